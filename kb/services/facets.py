"""The values a list can be narrowed by: countries and years that records actually have."""

from __future__ import annotations

import sqlalchemy as sa

from kb.extensions import db
from kb.kinds import KINDS
from kb.models import CaseStudy, Country, Element, Event, Festival, FestivalEdition, Organization
from kb.models.heritage import case_study_country, element_country, festival_country
from kb.services.freshness import memo

_COUNTRY_LINKS = {
    Organization: (Organization.country_id, None),
    Element: (element_country.c.country_id, element_country.c.element_id),
    Festival: (festival_country.c.country_id, festival_country.c.festival_id),
    CaseStudy: (case_study_country.c.country_id, case_study_country.c.case_study_id),
}


def country_names_of(model) -> list[tuple[str, dict]]:
    """(code, names) of the countries `countries_of(model)` finds (kept until the data changes)."""
    return list(
        memo(
            ("facets.countries", model.__name__),
            lambda: tuple((c.code, dict(c.name or {})) for c in countries_of(model)),
        )
    )


def countries_of(model) -> list[Country]:
    """Countries that at least one published record of `model` is linked to."""
    if model not in _COUNTRY_LINKS:
        return []
    country_col, record_col = _COUNTRY_LINKS[model]
    ids = sa.select(country_col).where(country_col.is_not(None))
    if record_col is not None:
        ids = ids.join(model, model.id == record_col)
    ids = ids.where(model.status == "published")
    return list(db.session.scalars(sa.select(Country).where(Country.id.in_(ids))))


def years_of(model) -> list[int]:
    """The years a list of `model` can be narrowed to, newest first."""
    return list(memo(("facets.years", model.__name__), lambda: tuple(_years_of(model))))


def _years_of(model) -> list[int]:
    column = {
        Element: Element.inscription_year,
        CaseStudy: CaseStudy.year,
        Event: sa.extract("year", Event.start_date),
        Festival: FestivalEdition.year,
    }.get(model)
    if column is None:
        return []
    query = sa.select(column).distinct().where(column.is_not(None))
    if model is Festival:
        query = query.join(Festival, Festival.id == FestivalEdition.festival_id)
    query = query.where(model.status == "published")
    return sorted({int(y) for y in db.session.scalars(query)}, reverse=True)


def counts() -> dict[str, int]:
    """How many published records of each type there are (kept until the data changes)."""
    return dict(memo("facets.counts", _counts))


def _counts() -> dict[str, int]:
    out = {}
    for kind in KINDS:
        query = sa.select(sa.func.count(kind.model.id))
        if kind.has_status:
            query = query.where(kind.model.status == "published")
        out[kind.name] = db.session.scalar(query) or 0
    return out


def country_records(code: str) -> dict[str, list]:
    """The published organisations, elements, festivals and case studies of a country."""
    from kb.services import directory, heritage

    return {
        "organizations": directory.list_organizations(country=code, per_page=500).items,
        "elements": heritage.list_elements(country=code, per_page=500).items,
        "festivals": heritage.list_festivals(country=code, per_page=500).items,
        "case_studies": heritage.list_case_studies(country=code, per_page=500).items,
    }
