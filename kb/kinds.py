"""What each record type is, at the bottom of the house: its names, model and shape.

Services, search, history and images all need to know, for a model, its collection name
(`case-studies`), the name history and search use (`case_study`) and its JSON shape. They
cannot ask `kb.catalog` (which sits above the services: it names their list and get
functions), so the answer lives here, importing nothing but models and schemas.
`kb.catalog.RecordType` carries a `Kind` and adds what the pages and outputs need.
A new record type is one `Kind` here and one `RecordType` there.
"""

from __future__ import annotations

from dataclasses import dataclass

from marshmallow import Schema

from kb.models import CaseStudy, Country, Element, Event, Festival, Organization
from kb.schemas.records import (
    CaseStudySchema,
    CountrySchema,
    ElementSchema,
    EventSchema,
    FestivalSchema,
    OrganizationSchema,
)


@dataclass(frozen=True)
class Kind:
    """One record type's names, model and JSON shape."""

    name: str  # URL segment, API collection and search type, e.g. "case-studies"
    singular: str  # record_type in history, images and submissions, e.g. "case_study"
    model: type
    schema: type[Schema]
    #: Whether records have a `status` (only published ones are public); countries have not.
    has_status: bool = True
    #: Whether records can have pictures.
    has_images: bool = True
    #: Whether anyone may propose a change to a record (moderated; see kb.services.submissions).
    proposals: bool = True
    #: Whether a new record may be proposed too (the others are created by their editors).
    new_by_proposal: bool = False


ORGANIZATION = Kind(
    "organizations", "organization", Organization, OrganizationSchema, new_by_proposal=True
)
ELEMENT = Kind("elements", "element", Element, ElementSchema)
FESTIVAL = Kind("festivals", "festival", Festival, FestivalSchema, new_by_proposal=True)
CASE_STUDY = Kind("case-studies", "case_study", CaseStudy, CaseStudySchema)
EVENT = Kind("events", "event", Event, EventSchema)
COUNTRY = Kind(
    "countries",
    "country",
    Country,
    CountrySchema,
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
