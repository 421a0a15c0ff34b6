"""What the network's calendar holds for a span of days: events and festival editions.

The calendar page (`/<lang>/calendar`) and the subscription feed (`/events.ics`) read the
same selection from here, so a view and its `.ics` never disagree. Filters narrow both:
`country`, `kind` (an event kind; `festival-edition` also takes in the editions of the
festival records) and `element` (events are not linked to elements, so with an element
only festival editions remain). Festivals whose dates are not known are placed in their
usual months, and said to be so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from kb.extensions import db
from kb.models import Country, Element, Event, Festival, FestivalEdition
from kb.models.heritage import festival_country

#: The event kind under which festival editions (of festival records) are listed.
FESTIVAL_KIND = "festival-edition"


@dataclass(frozen=True)
class Filters:
    """What a calendar is narrowed to; empty fields narrow nothing."""

    country: str | None = None
    kind: str | None = None
    element: str | None = None
    language: str | None = None  # the feed's filter: festival editions have no working language

    @property
    def events(self) -> bool:
        """Whether network events can match (they are linked to no element)."""
        return not self.element

    @property
    def festivals(self) -> bool:
        """Whether festival editions can match."""
        return self.kind in (None, FESTIVAL_KIND) and not self.language


def events_between(first: date, last: date, f: Filters) -> list[Event]:
    """Published events with a day between `first` and `last` (inclusive), earliest first."""
    if not f.events:
        return []
    ends = sa.func.coalesce(Event.end_date, Event.start_date)
    query = sa.select(Event).where(
        Event.status == "published", Event.start_date <= last, ends >= first
    )
    if f.kind:
        query = query.where(Event.kind == f.kind)
    if f.country:
        query = query.where(Event.country.has(Country.code == f.country.upper()))
    if f.language:
        query = query.where(sa.cast(Event.languages, sa.String).like(f'%"{f.language}"%'))
    query = query.options(selectinload(Event.days), selectinload(Event.country))
    return list(db.session.scalars(query.order_by(Event.start_date, Event.id)))


def _festival_filters(query: sa.Select, f: Filters) -> sa.Select:
    query = query.where(Festival.status == "published")
    if f.element:
        query = query.where(Festival.elements.any(Element.slug == f.element))
    return query


def _in_country(festival: Festival, edition: FestivalEdition | None, code: str | None) -> bool:
    """An edition is where it was held; without its own country, where the festival is."""
    if not code:
        return True
    if edition is not None and edition.country is not None:
        return edition.country.code == code.upper()
    return any(c.code == code.upper() for c in festival.countries)


def editions_between(first: date, last: date, f: Filters) -> list[FestivalEdition]:
    """Dated editions of published festivals with a day between `first` and `last`."""
    if not f.festivals:
        return []
    ends = sa.func.coalesce(FestivalEdition.end_date, FestivalEdition.start_date)
    query = (
        sa.select(FestivalEdition)
        .join(Festival, FestivalEdition.festival_id == Festival.id)
        .where(
            FestivalEdition.start_date.is_not(None),
            FestivalEdition.start_date <= last,
            ends >= first,
        )
    )
    query = _festival_filters(query, f).options(
        selectinload(FestivalEdition.festival).selectinload(Festival.countries),
        selectinload(FestivalEdition.country),
    )
    found = db.session.scalars(query.order_by(FestivalEdition.start_date, FestivalEdition.id))
    return [e for e in found if _in_country(e.festival, e, f.country)]


@dataclass
class Usual:
    """A festival expected in a month of a year whose dates are not known."""

    festival: Festival
    month: int
    edition: FestivalEdition | None  # the year's edition, when one is recorded without dates


def usual_in(year: int, months: range | list[int], f: Filters) -> list[Usual]:
    """Festivals usually held in `months` of `year` that have no dated edition that year.

    Not before the festival's first year; an edition of that year recorded without
    dates is named, so the reader sees it is known to take place.
    """
    if not f.festivals:
        return []
    query = _festival_filters(sa.select(Festival), f).options(
        selectinload(Festival.editions).selectinload(FestivalEdition.country),
        selectinload(Festival.countries),
    )
    out = []
    for festival in db.session.scalars(query.order_by(Festival.slug)):
        if festival.first_year and festival.first_year > year:
            continue
        that_year = [e for e in festival.editions if e.year == year]
        if any(e.start_date for e in that_year):
            continue
        edition = that_year[0] if that_year else None
        if not _in_country(festival, edition, f.country):
            continue
        for month in sorted({int(m) for m in festival.usual_months or []}):
            if month in months:
                out.append(Usual(festival, month, edition))
    return out


def feed_editions(f: Filters) -> list[FestivalEdition]:
    """Every dated edition that the subscription feed carries under `f`."""
    return editions_between(date.min, date.max, f)


def countries() -> list[Country]:
    """Countries of at least one published event or festival: the country filter."""
    festivals = (
        sa.select(festival_country.c.country_id)
        .join(Festival, Festival.id == festival_country.c.festival_id)
        .where(Festival.status == "published")
    )
    events = sa.select(Event.country_id).where(
        Event.status == "published", Event.country_id.is_not(None)
    )
    query = sa.select(Country).where(sa.or_(Country.id.in_(festivals), Country.id.in_(events)))
    return list(db.session.scalars(query))


def elements() -> list[Element]:
    """Elements presented by at least one published festival: the element filter."""
    published = sa.select(Festival.id).where(Festival.status == "published")
    query = sa.select(Element).where(
        Element.status == "published", Element.festivals.any(Festival.id.in_(published))
    )
    return list(db.session.scalars(query))
