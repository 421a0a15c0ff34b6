"""Places on the map: festivals, organisations and event venues that have coordinates.

One query per record type, narrowed in SQL by country, element and organisation; the
month of the year is checked in Python (a festival's usual months and the months its
editions ran; an event's days). `members` narrows the map to the organisations that are
members of the network now (an active membership, `kb.services.members`), and each member
organisation's place carries its role in the network. The map page, its no-script list,
the narrowed maps of country, element and organisation pages, and their JSON all come
from `places()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from kb.extensions import db
from kb.models import Country, Element, Event, EventOrganization, Festival, Organization
from kb.models.heritage import festival_organization
from kb.services import members as member_service

#: The record types on the map, in the order the legend lists them.
TYPES = ("festivals", "organizations", "events")


@dataclass
class Place:
    """One marker: a published record with coordinates."""

    type: str  # a collection name: festivals, organizations, events
    record: object
    latitude: float
    longitude: float
    countries: list[Country] = field(default_factory=list)
    months: set[int] = field(default_factory=set)
    #: A member organisation's role in the network (a `member_role` code); None otherwise.
    role: str | None = None

    @property
    def slug(self) -> str:
        """The record's slug."""
        return self.record.slug


@dataclass
class Filters:
    """What a map is narrowed to; empty fields narrow nothing."""

    types: tuple[str, ...] = TYPES
    country: str | None = None
    element: str | None = None
    month: int | None = None
    organization: str | None = None
    #: Only the organisations that are members of the network now.
    members: bool = False

    def kinds(self) -> tuple[str, ...]:
        """The record types this map may hold: organisations alone when narrowed to members."""
        return tuple(t for t in self.types if t == "organizations") if self.members else self.types


def months_between(start: date | None, end: date | None) -> set[int]:
    """The months of the year that a span of days touches."""
    if start is None:
        return set()
    end = end if end and end >= start else start
    if (end.year - start.year) * 12 + end.month - start.month >= 11:
        return set(range(1, 13))
    months, year, month = set(), start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.add(month)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _placed(model) -> sa.Select:
    return sa.select(model).where(
        model.status == "published", model.latitude.is_not(None), model.longitude.is_not(None)
    )


def _festivals(f: Filters, unplaced: bool = False) -> list[Festival]:
    query = _placed(Festival) if not unplaced else _unplaced(Festival)
    if f.country:
        query = query.where(Festival.countries.any(Country.code == f.country.upper()))
    if f.element:
        query = query.where(Festival.elements.any(Element.slug == f.element))
    if f.organization:
        query = query.where(Festival.organizers.any(Organization.slug == f.organization))
    query = query.options(selectinload(Festival.countries), selectinload(Festival.editions))
    return list(db.session.scalars(query))


def _organizations(f: Filters, unplaced: bool = False) -> list[Organization]:
    query = _placed(Organization) if not unplaced else _unplaced(Organization)
    if f.country:
        query = query.where(Organization.country.has(Country.code == f.country.upper()))
    if f.element:  # those that organise a festival presenting the element
        organizers = (
            sa.select(festival_organization.c.organization_id)
            .join(Festival, Festival.id == festival_organization.c.festival_id)
            .where(Festival.status == "published", Festival.elements.any(Element.slug == f.element))
        )
        query = query.where(Organization.id.in_(organizers))
    if f.organization:
        query = query.where(Organization.slug == f.organization)
    if f.members:
        query = query.where(Organization.id.in_(member_service.active_organization_ids()))
    return list(db.session.scalars(query))


def _events(f: Filters, unplaced: bool = False) -> list[Event]:
    query = _placed(Event) if not unplaced else _unplaced(Event)
    if f.element:  # events are not linked to elements (yet): none match
        return []
    if f.country:
        query = query.where(Event.country.has(Country.code == f.country.upper()))
    if f.organization:
        query = query.where(
            Event.organization_links.any(
                EventOrganization.organization.has(Organization.slug == f.organization)
            )
        )
    found = db.session.scalars(query.options(selectinload(Event.country)))
    # An online event has no place to be missing; only one with a venue counts as unplaced.
    # (LangText's None is stored as JSON null, so the venue is checked here, not in SQL.)
    return [e for e in found if e.venue] if unplaced else list(found)


def _unplaced(model) -> sa.Select:
    return sa.select(model).where(model.status == "published", model.latitude.is_(None))


def _festival_months(festival: Festival) -> set[int]:
    months = {int(m) for m in festival.usual_months or []}
    for edition in festival.editions:
        months |= months_between(edition.start_date, edition.end_date)
    return months


def places(filters: Filters | None = None) -> list[Place]:
    """The markers of a map narrowed by `filters`, festivals first."""
    f = filters or Filters()
    out: list[Place] = []
    kinds = f.kinds()
    if "festivals" in kinds:
        out += [
            Place("festivals", r, r.latitude, r.longitude, list(r.countries), _festival_months(r))
            for r in _festivals(f)
        ]
    if "organizations" in kinds and not f.month:  # organisations have no season
        found = _organizations(f)
        roles = member_service.roles_of(r.id for r in found)
        out += [
            Place(
                "organizations",
                r,
                r.latitude,
                r.longitude,
                [r.country] if r.country else [],
                role=roles.get(r.id),
            )
            for r in found
        ]
    if "events" in kinds:
        out += [
            Place(
                "events",
                r,
                r.latitude,
                r.longitude,
                [r.country] if r.country else [],
                months_between(r.start_date, r.end_date),
            )
            for r in _events(f)
        ]
    if f.month:
        out = [p for p in out if f.month in p.months]
    return out


def unplaced_count(filters: Filters | None = None) -> int:
    """How many records would match `filters` but have no coordinates (events: a venue)."""
    f = filters or Filters()
    if f.month:  # the month of a record without a place is beside the point here
        return 0
    total = 0
    kinds = f.kinds()
    if "festivals" in kinds:
        total += len(_festivals(f, unplaced=True))
    if "organizations" in kinds:
        total += len(_organizations(f, unplaced=True))
    if "events" in kinds:
        total += len(_events(f, unplaced=True))
    return total


def elements_on_the_map() -> list[Element]:
    """Elements presented by at least one placed festival: the map's element filter."""
    placed = _placed(Festival).with_only_columns(Festival.id)
    query = sa.select(Element).where(
        Element.status == "published",
        Element.festivals.any(Festival.id.in_(placed)),
    )
    return list(db.session.scalars(query))


def countries_on_the_map() -> list[Country]:
    """Countries with at least one marker: the map's country filter."""
    codes = {c.code for p in places() for c in p.countries}
    if not codes:
        return []
    return list(db.session.scalars(sa.select(Country).where(Country.code.in_(codes))))
