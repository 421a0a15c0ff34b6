"""Heritage records: ICH elements, festivals (with editions) and case studies."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.models.base import JSONType, LangText, RecordMixin, db
from kb.models.directory import Country, Organization

#: The five domains of Article 2 of the 2003 Convention.
DOMAINS = (
    "oral-traditions",
    "performing-arts",
    "social-practices",
    "knowledge-nature",
    "craftsmanship",
)
UNESCO_LISTS = ("representative", "urgent-safeguarding", "good-practices")
PERIODICITIES = ("annual", "biennial", "irregular")


def _link(name: str, left: str, right: str) -> sa.Table:
    """An association table between two record tables, deleted with either side."""
    return sa.Table(
        name,
        db.metadata,
        sa.Column(f"{left}_id", sa.ForeignKey(f"{left}.id", ondelete="CASCADE"), primary_key=True),
        sa.Column(
            f"{right}_id", sa.ForeignKey(f"{right}.id", ondelete="CASCADE"), primary_key=True
        ),
    )


element_country = _link("element_country", "element", "country")
festival_country = _link("festival_country", "festival", "country")
festival_element = _link("festival_element", "festival", "element")
festival_organization = _link("festival_organization", "festival", "organization")
case_study_country = _link("case_study_country", "case_study", "country")
case_study_festival = _link("case_study_festival", "case_study", "festival")
case_study_element = _link("case_study_element", "case_study", "element")
case_study_organization = _link("case_study_organization", "case_study", "organization")


class ElementDomain(db.Model):
    """One 2003 Convention domain of an element."""

    __tablename__ = "element_domain"

    element_id: Mapped[int] = mapped_column(
        sa.ForeignKey("element.id", ondelete="CASCADE"), primary_key=True
    )
    domain: Mapped[str] = mapped_column(sa.String(32), primary_key=True, index=True)


class Element(RecordMixin, db.Model):
    """An element of intangible cultural heritage, inscribed by UNESCO or not."""

    __tablename__ = "element"

    name: Mapped[dict] = mapped_column(LangText)
    alt_names: Mapped[list] = mapped_column(JSONType, default=list)
    #: False when the English name is not confirmed as the title UNESCO inscribed.
    name_verified: Mapped[bool] = mapped_column(default=True)
    unesco_list: Mapped[str | None] = mapped_column(sa.String(32), index=True)
    inscription_year: Mapped[int | None] = mapped_column(index=True)
    communities: Mapped[dict | None] = mapped_column(LangText)
    summary: Mapped[dict | None] = mapped_column(LangText)
    description: Mapped[dict | None] = mapped_column(LangText)
    safeguarding: Mapped[dict | None] = mapped_column(LangText)
    notes: Mapped[dict | None] = mapped_column(LangText)

    countries: Mapped[list[Country]] = relationship(
        secondary=element_country, order_by=Country.code
    )
    domain_rows: Mapped[list[ElementDomain]] = relationship(
        cascade="all, delete-orphan", order_by=ElementDomain.domain, lazy="selectin"
    )
    festivals: Mapped[list[Festival]] = relationship(
        secondary=festival_element, back_populates="elements", order_by="Festival.slug"
    )
    case_studies: Mapped[list[CaseStudy]] = relationship(
        secondary=case_study_element, back_populates="elements", order_by="CaseStudy.slug"
    )

    @property
    def domains(self) -> list[str]:
        """The element's domain codes."""
        return [row.domain for row in self.domain_rows]

    @domains.setter
    def domains(self, codes: list[str]) -> None:
        keep = {row.domain: row for row in self.domain_rows}
        self.domain_rows = [keep.get(code) or ElementDomain(domain=code) for code in codes]


class Festival(RecordMixin, db.Model):
    """An ICH festival held along the Silk Roads."""

    __tablename__ = "festival"

    name: Mapped[dict] = mapped_column(LangText)
    alt_names: Mapped[list] = mapped_column(JSONType, default=list)
    city: Mapped[dict | None] = mapped_column(LangText)
    place: Mapped[dict | None] = mapped_column(LangText)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    periodicity: Mapped[str | None] = mapped_column(sa.String(16))
    usual_months: Mapped[list] = mapped_column(JSONType, default=list)
    first_year: Mapped[int | None]
    organizer_note: Mapped[dict | None] = mapped_column(LangText)
    sustainable_development: Mapped[dict | None] = mapped_column(LangText)
    website: Mapped[str | None] = mapped_column(sa.String(500))
    contact: Mapped[str | None] = mapped_column(sa.String(300))
    summary: Mapped[dict | None] = mapped_column(LangText)
    description: Mapped[dict | None] = mapped_column(LangText)
    notes: Mapped[dict | None] = mapped_column(LangText)

    countries: Mapped[list[Country]] = relationship(
        secondary=festival_country, order_by=Country.code
    )
    organizers: Mapped[list[Organization]] = relationship(
        secondary=festival_organization, order_by=Organization.slug
    )
    elements: Mapped[list[Element]] = relationship(
        secondary=festival_element, back_populates="festivals", order_by="Element.slug"
    )
    editions: Mapped[list[FestivalEdition]] = relationship(
        back_populates="festival",
        cascade="all, delete-orphan",
        order_by="(FestivalEdition.year, FestivalEdition.start_date)",
    )
    case_studies: Mapped[list[CaseStudy]] = relationship(
        secondary=case_study_festival, back_populates="festivals", order_by="CaseStudy.slug"
    )


class FestivalEdition(db.Model):
    """One dated edition of a festival."""

    __tablename__ = "festival_edition"

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(
        sa.ForeignKey("festival.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(index=True)
    number: Mapped[int | None]
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    city: Mapped[dict | None] = mapped_column(LangText)
    country_id: Mapped[int | None] = mapped_column(sa.ForeignKey("country.id"))
    note: Mapped[dict | None] = mapped_column(LangText)

    festival: Mapped[Festival] = relationship(back_populates="editions")
    country: Mapped[Country | None] = relationship()


class CaseStudy(RecordMixin, db.Model):
    """A written case: what a festival, element or institution did and what came of it."""

    __tablename__ = "case_study"
    label_field = "title"

    title: Mapped[dict] = mapped_column(LangText)
    summary: Mapped[dict | None] = mapped_column(LangText)
    body: Mapped[dict | None] = mapped_column(LangText)
    year: Mapped[int | None] = mapped_column(index=True)
    #: UN Sustainable Development Goals (1–17) the case concerns.
    sdgs: Mapped[list] = mapped_column(JSONType, default=list)

    countries: Mapped[list[Country]] = relationship(
        secondary=case_study_country, order_by=Country.code
    )
    festivals: Mapped[list[Festival]] = relationship(
        secondary=case_study_festival, back_populates="case_studies", order_by="Festival.slug"
    )
    elements: Mapped[list[Element]] = relationship(
        secondary=case_study_element, back_populates="case_studies", order_by="Element.slug"
    )
    organizations: Mapped[list[Organization]] = relationship(
        secondary=case_study_organization, order_by=Organization.slug
    )
