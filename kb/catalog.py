"""The record types the knowledge base offers, for the pages, the API and search alike.

Each `RecordType` carries its `kb.kinds.Kind` (what the low layers need) and everything
else is required: a new record type without its pages, outputs or `save` fails when the
module loads, and one without a `RecordType` fails `tests/test_kinds.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from marshmallow import Schema

from kb import kinds
from kb.kinds import Kind
from kb.schemas import args, dublin_core, linked
from kb.schemas.details import (
    CaseStudyDetailSchema,
    CountryDetailSchema,
    ElementDetailSchema,
    FestivalDetailSchema,
    OrganizationDetailSchema,
)
from kb.schemas.events import EventDetailSchema
from kb.services import directory, events, heritage


@dataclass(frozen=True)
class RecordType:
    """One kind of record: what it is (its `Kind`), and its pages, filters, services, outputs."""

    kind: Kind
    detail_schema: type[Schema]
    args: type[Schema]
    list: Callable
    get: Callable
    title: object  # lazy, translated plural
    title_one: object  # lazy, translated singular
    blurb: object  # lazy, translated: what the list holds (its meta description)
    #: The record as schema.org JSON-LD (a builder of `kb.schemas.linked`).
    linked_data: Callable
    #: The record as simple Dublin Core for OAI-PMH (a builder of `kb.schemas.dublin_core`).
    dublin_core: Callable
    by_name: bool = True  # lists are ordered by name in the reader's language
    #: What the "propose a change" form asks for (`kb.forms.proposal`), where changes may
    #: be proposed (`Kind.proposals`): its texts, in the order shown, each with its
    #: language, and its plain fields as (key, label, input type).
    proposal_texts: tuple[str, ...] = ()
    proposal_fields: tuple[tuple[str, object, str | None], ...] = ()

    @property
    def name(self) -> str:
        """URL segment and API collection, e.g. "case-studies"."""
        return self.kind.name

    @property
    def singular(self) -> str:
        """record_type in history and search, e.g. "case_study"."""
        return self.kind.singular

    @property
    def model(self) -> type:
        """The model."""
        return self.kind.model

    @property
    def schema(self) -> type[Schema]:
        """The JSON shape: the API's, the seed's, the exports'."""
        return self.kind.schema

    @property
    def save(self) -> Callable:
        """Creates or updates a record from loaded data: `save(data, actor) -> (record,
        changes)`. The API, `kb import` (CSV and JSON, see `kb.services.transfer`), the
        seed and approvals use it (`Kind.saver` names it)."""
        return self.kind.save

    @property
    def has_status(self) -> bool:
        """Whether only published records are public (countries have no status)."""
        return self.kind.has_status


RECORD_TYPES = [
    RecordType(
        kinds.ORGANIZATION,
        OrganizationDetailSchema,
        args.OrganizationArgs,
        directory.list_organizations,
        directory.get_organization,
        _l("Organizations"),
        _l("Organization"),
        _l(
            "The institutions of the network and their partners: ICH centres, festival "
            "organizers, research institutes, NGOs and government bodies."
        ),
        linked_data=linked.organization,
        dublin_core=dublin_core.organization,
        proposal_texts=("name", "city", "summary", "description"),
        proposal_fields=(
            ("acronym", _l("Acronym"), None),
            ("website", _l("Website"), "url"),
            ("founding_year", _l("Founded (year)"), "numeric"),
        ),
    ),
    RecordType(
        kinds.ELEMENT,
        ElementDetailSchema,
        args.ElementArgs,
        heritage.list_elements,
        heritage.get_element,
        _l("ICH elements"),
        _l("ICH element"),
        _l(
            "Elements of intangible cultural heritage along the Silk Roads, inscribed by "
            "UNESCO or not: what they are, where they live and who safeguards them."
        ),
        linked_data=linked.element,
        dublin_core=dublin_core.element,
        proposal_texts=(
            "name",
            "summary",
            "description",
            "communities",
            "safeguarding",
            "notes",
        ),
        proposal_fields=(("inscription_year", _l("Inscribed (year)"), "numeric"),),
    ),
    RecordType(
        kinds.FESTIVAL,
        FestivalDetailSchema,
        args.FestivalArgs,
        heritage.list_festivals,
        heritage.get_festival,
        _l("Festivals"),
        _l("Festival"),
        _l(
            "Festivals of intangible cultural heritage along the Silk Roads: where and when "
            "they are held, who organizes them and what they present."
        ),
        linked_data=linked.festival,
        dublin_core=dublin_core.festival,
        proposal_texts=(
            "name",
            "city",
            "place",
            "summary",
            "description",
            "sustainable_development",
            "organizer_note",
            "notes",
        ),
        proposal_fields=(
            ("website", _l("Website"), "url"),
            ("first_year", _l("First held (year)"), "numeric"),
        ),
    ),
    RecordType(
        kinds.CASE_STUDY,
        CaseStudyDetailSchema,
        args.CaseStudyArgs,
        heritage.list_case_studies,
        heritage.get_case_study,
        _l("Case studies"),
        _l("Case study"),
        _l(
            "Case studies of safeguarding intangible cultural heritage: what was done, where, "
            "by whom and with what results."
        ),
        linked_data=linked.case_study,
        dublin_core=dublin_core.case_study,
        proposal_texts=("title", "summary", "body"),
        proposal_fields=(("year", _l("Year"), "numeric"),),
    ),
    RecordType(
        kinds.EVENT,
        EventDetailSchema,
        args.EventArgs,
        events.list_events,
        events.get_event,
        _l("Events"),
        _l("Event"),
        _l(
            "Conferences, workshops, meetings and webinars of the Silk Roads ICH Network, "
            "upcoming and past."
        ),
        by_name=False,
        linked_data=linked.event,
        dublin_core=dublin_core.event,
        proposal_texts=("title", "theme", "summary", "description", "venue"),
        proposal_fields=(("recording_url", _l("Recording (web address)"), "url"),),
    ),
    RecordType(
        kinds.COUNTRY,
        CountryDetailSchema,
        args.CountryArgs,
        directory.list_countries,
        directory.get_country,
        _l("Countries"),
        _l("Country"),
        _l(
            "The countries of the Silk Roads ICH Network and the heritage, festivals and "
            "institutions recorded for each."
        ),
        linked_data=linked.country,
        dublin_core=dublin_core.country,
    ),
]
CATALOG = {rt.name: rt for rt in RECORD_TYPES}
#: The same, by the name history, images and search use (e.g. "case_study").
BY_SINGULAR = {rt.singular: rt for rt in RECORD_TYPES}
#: The same, by model.
BY_MODEL = {rt.model: rt for rt in RECORD_TYPES}
#: The order records load in: each type after the types its records link to.
LOAD_ORDER = [CATALOG[kind.name] for kind in kinds.LOAD_ORDER]


def list_records(record_type: RecordType, filters: dict, lang: str):
    """One page of `record_type` with `filters` (as its args schema loads them)."""
    if record_type.by_name:
        return record_type.list(**filters, lang=lang)
    return record_type.list(**filters)


#: A URL converter matching any collection name, e.g. `<{COLLECTIONS}:collection>`.
COLLECTIONS = "any(" + ", ".join(f"'{name}'" for name in CATALOG) + ")"
