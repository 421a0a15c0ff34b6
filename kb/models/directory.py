"""The directory: countries and organisations."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.models.base import JSONType, LangText, RecordMixin, TimestampMixin, db

REGIONS = (
    "central-asia",
    "east-asia",
    "south-asia",
    "south-east-asia",
    "west-asia",
    "caucasus",
    "europe",
    "africa",
    "arab-states",
    "americas",
)

ORGANIZATION_KINDS = (
    "intergovernmental",
    "unesco-program",
    "category-2-center",
    "government-body",
    "national-committee",
    "ngo",
    "university",
    "research-institute",
    "museum",
    "festival-organizer",
    "association",
    "network",
    "other",
)

#: An organisation's role in the network; a membership's role (kb.models.membership) is
#: copied here when it is approved or changed, and cleared when it ends.
NETWORK_ROLES = ("co-organizer", "coordinating-body", "member", "partner", "supporter")


class Country(TimestampMixin, db.Model):
    """A state, by ISO 3166-1 alpha-2 code; its slug is the lower-case code."""

    __tablename__ = "country"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(2), unique=True)
    name: Mapped[dict] = mapped_column(LangText)
    region: Mapped[str | None] = mapped_column(sa.String(32), index=True)

    label_field = "name"
    status = "published"

    @property
    def slug(self) -> str:
        """Countries are addressed by their code in lower case."""
        return self.code.lower()

    @property
    def label(self) -> dict:
        """The country's name per language."""
        return self.name or {}

    def __repr__(self) -> str:
        return f"<Country {self.code}>"


class Organization(RecordMixin, db.Model):
    """An institution of the network's directory."""

    __tablename__ = "organization"

    name: Mapped[dict] = mapped_column(LangText)
    alt_names: Mapped[list] = mapped_column(JSONType, default=list)
    acronym: Mapped[str | None] = mapped_column(sa.String(40))
    kind: Mapped[str] = mapped_column(sa.String(32), index=True)
    country_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("country.id", ondelete="RESTRICT"), index=True
    )
    city: Mapped[dict | None] = mapped_column(LangText)
    address: Mapped[str | None] = mapped_column(sa.Text)
    #: Where it is on the map (WGS 84 degrees), both or neither.
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    website: Mapped[str | None] = mapped_column(sa.String(500))
    contact: Mapped[str | None] = mapped_column(sa.String(300))
    founding_year: Mapped[int | None]
    network_role: Mapped[str | None] = mapped_column(sa.String(20), index=True)
    summary: Mapped[dict | None] = mapped_column(LangText)
    description: Mapped[dict | None] = mapped_column(LangText)

    country: Mapped[Country | None] = relationship(lazy="joined")
