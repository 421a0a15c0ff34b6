"""The record types the knowledge base offers, for the pages, the API and search alike."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from marshmallow import Schema

from kb.models import CaseStudy, Country, Element, Event, Festival, Organization
from kb.schemas import args
from kb.schemas.details import (
    CaseStudyDetailSchema,
    CountryDetailSchema,
    ElementDetailSchema,
    FestivalDetailSchema,
    OrganizationDetailSchema,
)
from kb.schemas.events import EventDetailSchema
from kb.schemas.records import (
    CaseStudySchema,
    CountrySchema,
    ElementSchema,
    EventSchema,
    FestivalSchema,
    OrganizationSchema,
)
from kb.services import directory, events, heritage


@dataclass(frozen=True)
class RecordType:
    """One kind of record: its URL segment, model, shapes, filters and services."""

    name: str  # URL segment and API collection, e.g. "case-studies"
    singular: str  # record_type in history and search, e.g. "case_study"
    model: type
    schema: type[Schema]
    detail_schema: type[Schema]
    args: type[Schema]
    list: Callable
    get: Callable
    title: object  # lazy, translated plural
    title_one: object  # lazy, translated singular
    by_name: bool = True  # lists are ordered by name in the reader's language


RECORD_TYPES = [
    RecordType(
        "organizations",
        "organization",
        Organization,
        OrganizationSchema,
        OrganizationDetailSchema,
        args.OrganizationArgs,
        directory.list_organizations,
        directory.get_organization,
        _l("Organizations"),
        _l("Organization"),
    ),
    RecordType(
        "elements",
        "element",
        Element,
        ElementSchema,
        ElementDetailSchema,
        args.ElementArgs,
        heritage.list_elements,
        heritage.get_element,
        _l("ICH elements"),
        _l("ICH element"),
    ),
    RecordType(
        "festivals",
        "festival",
        Festival,
        FestivalSchema,
        FestivalDetailSchema,
        args.FestivalArgs,
        heritage.list_festivals,
        heritage.get_festival,
        _l("Festivals"),
        _l("Festival"),
    ),
    RecordType(
        "case-studies",
        "case_study",
        CaseStudy,
        CaseStudySchema,
        CaseStudyDetailSchema,
        args.CaseStudyArgs,
        heritage.list_case_studies,
        heritage.get_case_study,
        _l("Case studies"),
        _l("Case study"),
    ),
    RecordType(
        "events",
        "event",
        Event,
        EventSchema,
        EventDetailSchema,
        args.EventArgs,
        events.list_events,
        events.get_event,
        _l("Events"),
        _l("Event"),
        by_name=False,
    ),
    RecordType(
        "countries",
        "country",
        Country,
        CountrySchema,
        CountryDetailSchema,
        args.CountryArgs,
        directory.list_countries,
        directory.get_country,
        _l("Countries"),
        _l("Country"),
    ),
]
CATALOG = {rt.name: rt for rt in RECORD_TYPES}


def list_records(record_type: RecordType, filters: dict, lang: str):
    """One page of `record_type` with `filters` (as its args schema loads them)."""
    if record_type.by_name:
        return record_type.list(**filters, lang=lang)
    return record_type.list(**filters)


#: A URL converter matching any collection name, e.g. `<{COLLECTIONS}:collection>`.
COLLECTIONS = "any(" + ", ".join(f"'{name}'" for name in CATALOG) + ")"
