"""What each record type is, at the bottom of the house: its names, model and shape.

Services, search, history and images all need to know, for a model, its collection name
(`case-studies`), the name history and search use (`case_study`) and its JSON shape. They
cannot ask `kb.catalog` (which sits above the services: it names their list and get
functions), so the answer lives here, importing nothing but models and schemas.
`kb.catalog.RecordType` carries a `Kind` and adds what the pages and outputs need.
A new record type is one `Kind` here and one `RecordType` there (the steps: README,
"Architecture"); everything else iterates over `KINDS` or looks a kind up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import import_module

from marshmallow import Schema

from kb.models import (
    CaseStudy,
    Country,
    Element,
    ElementDomain,
    Event,
    EventOrganization,
    EventSession,
    Festival,
    FestivalEdition,
    Organization,
    Speaker,
)
from kb.models import heritage as h
from kb.schemas import indexed
from kb.schemas.records import (
    CaseStudySchema,
    CountrySchema,
    ElementSchema,
    EventSchema,
    FestivalSchema,
    OrganizationSchema,
)


@cache
def _resolve(reference: str) -> Callable:
    """The function a "module:function" reference names."""
    module, _sep, name = reference.partition(":")
    return getattr(import_module(module), name)


@dataclass(frozen=True)
class Search:
    """How a record type's records enter the search index (`kb.search.documents`, `.sync`)."""

    #: Adds the type's own fields to a search document: `fill(record, doc, body)`
    #: (a filler of `kb.schemas.indexed`).
    fill: Callable
    #: Rows of other tables that belong to a record (a changed row re-indexes it):
    #: (part model, the id of its record).
    parts: tuple[tuple[type, Callable], ...] = ()
    #: Records of other types whose names its documents show (a renamed one re-indexes
    #: them): (that model, this type's id column, the column naming that record's id).
    shows: tuple = ()


@dataclass(frozen=True)
class Kind:
    """One record type's names, model, JSON shape and what low layers do with it."""

    name: str  # URL segment, API collection and search type, e.g. "case-studies"
    singular: str  # record_type in history, images and submissions, e.g. "case_study"
    model: type
    schema: type[Schema]
    search: Search
    #: The service that creates or updates its records, as "module:function" (named, not
    #: imported: the services sit above this module): `save(data, actor, *, record=None)
    #: -> (record, changes)`. The API, `kb import`, the seed and approvals use it (`save`).
    saver: str
    #: Whether records have a `status` (only published ones are public); countries have not.
    has_status: bool = True
    #: Whether records can have pictures.
    has_images: bool = True
    #: Whether anyone may propose a change to a record (moderated; see kb.services.submissions).
    proposals: bool = True
    #: Whether a new record may be proposed too (the others are created by their editors).
    new_by_proposal: bool = False
    #: The keys a change proposal may touch, where it may not touch them all (None: all).
    #: Anyone may correct an event's texts, sources and links; its programme, times,
    #: organisers and registration stay with its managers (kb.services.payloads).
    facts: tuple[str, ...] | None = None
    #: Keys no proposal sets: the network's coordinators decide them
    #: (kb.services.membership). A change proposal may carry the current value.
    coordinated: tuple[str, ...] = ()
    #: Other records a payload names, checked before a proposal is sent: (key, model),
    #: countries by code, others by slug; "editions.country" is each edition's country.
    references: tuple[tuple[str, type], ...] = ()
    #: Whether whoever proposed a new record acts for it once it is approved (an
    #: organisation's proposer, as the moderator grants it; kb.services.moderation).
    proposer_acts_for_it: bool = False
    #: Whether a proposal may carry pictures, which become the record's on approval.
    proposed_with_images: bool = False
    #: With `facts`: the service that lays an approved proposal's facts over its record's
    #: whole data (private fields kept), as "module:function": `merge(record, facts)`.
    merger: str | None = None
    #: The name a programme's link gives it (`kb.models.presented`), if events and
    #: sessions may say they presented its records (their pages then list where).
    presented_as: str | None = None

    @property
    def save(self) -> Callable:
        """The service that creates or updates its records (`saver`)."""
        return _resolve(self.saver)

    @property
    def merge(self) -> Callable | None:
        """How a facts-only proposal joins its record's data before saving (`merger`)."""
        return _resolve(self.merger) if self.merger else None

    @property
    def seed_file(self) -> str:
        """Its file in `seed_data/` (and `kb seed`), e.g. "case_studies.yaml"."""
        return self.name.replace("-", "_") + ".yaml"


ORGANIZATION = Kind(
    "organizations",
    "organization",
    Organization,
    OrganizationSchema,
    Search(indexed.organization, shows=((Country, Organization.id, Organization.country_id),)),
    "kb.services.directory:save_organization",
    new_by_proposal=True,
    coordinated=("network_role",),
    references=(("country", Country),),
    proposer_acts_for_it=True,
    presented_as="organization",
)
ELEMENT = Kind(
    "elements",
    "element",
    Element,
    ElementSchema,
    Search(
        indexed.element,
        parts=((ElementDomain, lambda o: o.element_id),),
        shows=((Country, h.element_country.c.element_id, h.element_country.c.country_id),),
    ),
    "kb.services.heritage:save_element",
    references=(("countries", Country),),
    presented_as="element",
)
FESTIVAL = Kind(
    "festivals",
    "festival",
    Festival,
    FestivalSchema,
    Search(
        indexed.festival,
        parts=((FestivalEdition, lambda o: o.festival_id),),
        shows=(
            (Country, h.festival_country.c.festival_id, h.festival_country.c.country_id),
            (Element, h.festival_element.c.festival_id, h.festival_element.c.element_id),
            (
                Organization,
                h.festival_organization.c.festival_id,
                h.festival_organization.c.organization_id,
            ),
        ),
    ),
    "kb.services.heritage:save_festival",
    new_by_proposal=True,
    proposed_with_images=True,
    references=(
        ("countries", Country),
        ("editions.country", Country),
        ("elements", Element),
        ("organizers", Organization),
    ),
    presented_as="festival",
)
CASE_STUDY = Kind(
    "case-studies",
    "case_study",
    CaseStudy,
    CaseStudySchema,
    Search(
        indexed.case_study,
        shows=(
            (Country, h.case_study_country.c.case_study_id, h.case_study_country.c.country_id),
            (Element, h.case_study_element.c.case_study_id, h.case_study_element.c.element_id),
            (
                Organization,
                h.case_study_organization.c.case_study_id,
                h.case_study_organization.c.organization_id,
            ),
            (Festival, h.case_study_festival.c.case_study_id, h.case_study_festival.c.festival_id),
        ),
    ),
    "kb.services.heritage:save_case_study",
    references=(
        ("countries", Country),
        ("festivals", Festival),
        ("elements", Element),
        ("organizations", Organization),
    ),
    presented_as="case-study",
)
EVENT = Kind(
    "events",
    "event",
    Event,
    EventSchema,
    Search(
        indexed.event,
        parts=(
            (EventSession, lambda o: o.event_id),
            (EventOrganization, lambda o: o.event_id),
            (Speaker, lambda o: o.session.event_id if o.session else None),
        ),
        shows=((Organization, EventOrganization.event_id, EventOrganization.organization_id),),
    ),
    "kb.services.events:save_event",
    facts=("title", "theme", "summary", "description", "venue", "recording_url", "sources"),
    merger="kb.services.organizing:merged_with",
)
COUNTRY = Kind(
    "countries",
    "country",
    Country,
    CountrySchema,
    Search(indexed.country),
    "kb.services.directory:save_country",
    has_status=False,
    has_images=False,
    proposals=False,
)

#: Every record type, in the order the site lists them.
KINDS = (ORGANIZATION, ELEMENT, FESTIVAL, CASE_STUDY, EVENT, COUNTRY)
#: The same in the order records load: each after the types its records link to.
LOAD_ORDER = (COUNTRY, ORGANIZATION, ELEMENT, FESTIVAL, CASE_STUDY, EVENT)
BY_NAME = {kind.name: kind for kind in KINDS}
BY_SINGULAR = {kind.singular: kind for kind in KINDS}
BY_MODEL = {kind.model: kind for kind in KINDS}
#: The kinds a programme may link to, by the name the link gives them ("case-study").
BY_PRESENTED = {kind.presented_as: kind for kind in KINDS if kind.presented_as}
