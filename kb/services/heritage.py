"""ICH elements, festivals and case studies: listing, reading and saving."""

from __future__ import annotations

import sqlalchemy as sa

from kb.extensions import db
from kb.models import (
    CaseStudy,
    Country,
    Element,
    ElementDomain,
    Festival,
    FestivalEdition,
    Organization,
)
from kb.schemas.records import CaseStudySchema, ElementSchema, FestivalSchema
from kb.services.common import (
    Page,
    by_slug,
    get_visible,
    paginate,
    resolve_countries,
    resolve_slugs,
)
from kb.services.records import Actor, save_record
from kb.services.text import by_name


def _published(model) -> sa.Select:
    return sa.select(model).where(model.status == "published")


def _in_country(model, code: str | None):
    return model.countries.any(Country.code == code.upper()) if code else sa.true()


# Elements


def list_elements(
    *,
    country: str | None = None,
    domain: str | None = None,
    unesco_list: str | None = None,
    year: int | None = None,
    page: int = 1,
    per_page: int = 20,
    lang: str = "en",
) -> Page:
    """Published elements, filtered by country, domain, UNESCO list and inscription year."""
    query = _published(Element).where(_in_country(Element, country))
    if domain:
        query = query.where(Element.domain_rows.any(ElementDomain.domain == domain))
    if unesco_list:
        query = query.where(Element.unesco_list == unesco_list)
    if year:
        query = query.where(Element.inscription_year == year)
    return paginate(query.order_by(*by_name(Element.name, lang)), page, per_page)


def get_element(slug: str, *, include_unpublished: bool = False) -> Element:
    """The element with `slug`."""
    return get_visible(Element, slug, include_unpublished)


def _countries_setter(field_name: str):
    def set_countries(record, codes):
        record.countries = resolve_countries(codes, field_name)

    return set_countries


def _refs_setter(field_name: str, model):
    def set_refs(record, slugs):
        setattr(record, field_name, resolve_slugs(model, slugs, field_name))

    return set_refs


ELEMENT_SETTERS = {"countries": _countries_setter("countries")}


def save_element(
    data: dict, actor: Actor, *, record: Element | None = None
) -> tuple[Element, dict]:
    """Create or update an element (by slug when `record` is not given)."""
    record = record or by_slug(Element, data["slug"]) or Element()
    changes = save_record(
        record, data, ElementSchema(), ELEMENT_SETTERS, actor, record_type="element"
    )
    return record, changes


# Festivals


def list_festivals(
    *,
    country: str | None = None,
    element: str | None = None,
    periodicity: str | None = None,
    year: int | None = None,
    page: int = 1,
    per_page: int = 20,
    lang: str = "en",
) -> Page:
    """Published festivals, filtered by country, element, periodicity and a year with an edition."""
    query = _published(Festival).where(_in_country(Festival, country))
    if element:
        query = query.where(Festival.elements.any(Element.slug == element))
    if periodicity:
        query = query.where(Festival.periodicity == periodicity)
    if year:
        query = query.where(Festival.editions.any(FestivalEdition.year == year))
    return paginate(query.order_by(*by_name(Festival.name, lang)), page, per_page)


def get_festival(slug: str, *, include_unpublished: bool = False) -> Festival:
    """The festival with `slug`."""
    return get_visible(Festival, slug, include_unpublished)


def _set_editions(festival: Festival, editions: list[dict]) -> None:
    rows = []
    for i, data in enumerate(editions):
        data = dict(data)
        code = data.pop("country", None)
        edition = FestivalEdition(**data)
        if code:
            edition.country = resolve_countries([code], f"editions.{i}.country")[0]
        rows.append(edition)
    festival.editions = rows


FESTIVAL_SETTERS = {
    "countries": _countries_setter("countries"),
    "organizers": _refs_setter("organizers", Organization),
    "elements": _refs_setter("elements", Element),
    "editions": _set_editions,
}


def save_festival(
    data: dict, actor: Actor, *, record: Festival | None = None
) -> tuple[Festival, dict]:
    """Create or update a festival (by slug when `record` is not given)."""
    record = record or by_slug(Festival, data["slug"]) or Festival()
    changes = save_record(
        record, data, FestivalSchema(), FESTIVAL_SETTERS, actor, record_type="festival"
    )
    return record, changes


# Case studies


def list_case_studies(
    *,
    country: str | None = None,
    year: int | None = None,
    page: int = 1,
    per_page: int = 20,
    lang: str = "en",
) -> Page:
    """Published case studies, filtered by country and year."""
    query = _published(CaseStudy).where(_in_country(CaseStudy, country))
    if year:
        query = query.where(CaseStudy.year == year)
    return paginate(query.order_by(*by_name(CaseStudy.title, lang)), page, per_page)


def get_case_study(slug: str, *, include_unpublished: bool = False) -> CaseStudy:
    """The case study with `slug`."""
    return get_visible(CaseStudy, slug, include_unpublished)


CASE_STUDY_SETTERS = {
    "countries": _countries_setter("countries"),
    "festivals": _refs_setter("festivals", Festival),
    "elements": _refs_setter("elements", Element),
    "organizations": _refs_setter("organizations", Organization),
}


def save_case_study(
    data: dict, actor: Actor, *, record: CaseStudy | None = None
) -> tuple[CaseStudy, dict]:
    """Create or update a case study (by slug when `record` is not given)."""
    record = record or by_slug(CaseStudy, data["slug"]) or CaseStudy()
    changes = save_record(
        record, data, CaseStudySchema(), CASE_STUDY_SETTERS, actor, record_type="case_study"
    )
    return record, changes


def festivals_organized_by(org: Organization) -> list[Festival]:
    """Published festivals an organisation organises."""
    query = _published(Festival).where(Festival.organizers.any(Organization.id == org.id))
    return list(db.session.scalars(query))


def case_studies_about(org: Organization) -> list[CaseStudy]:
    """Published case studies that concern an organisation."""
    query = _published(CaseStudy).where(CaseStudy.organizations.any(Organization.id == org.id))
    return list(db.session.scalars(query))
