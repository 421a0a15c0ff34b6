"""Network events: listing, reading and saving, with sessions, speakers and organisations."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from kb.models import Country, Event, EventOrganization, EventSession, Organization, Speaker
from kb.models.base import utcnow
from kb.schemas.records import EventSchema
from kb.services.common import (
    Page,
    by_slug,
    get_visible,
    paginate,
    resolve_countries,
    resolve_slugs,
)
from kb.services.records import Actor, save_record
from kb.tz import today_in, zone_info


def local_today(zone: str = "UTC") -> date:
    """Today's date in `zone`."""
    return today_in(zone, utcnow())


def list_events(
    *,
    kind: str | None = None,
    year: int | None = None,
    when: str | None = None,
    language: str | None = None,
    country: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Page:
    """Published events, upcoming first when asked for, otherwise newest first.

    `when` is `upcoming` (not yet ended) or `past`; `language` a working language.
    """
    query = sa.select(Event).where(Event.status == "published")
    last_day = sa.func.coalesce(Event.end_date, Event.start_date)
    today = local_today()
    if kind:
        query = query.where(Event.kind == kind)
    if year:
        query = query.where(Event.start_date.between(date(year, 1, 1), date(year, 12, 31)))
    if language:
        query = query.where(sa.cast(Event.languages, sa.String).like(f'%"{language}"%'))
    if country:
        query = query.where(Event.country.has(Country.code == country))
    if when == "upcoming":
        query = query.where(last_day >= today).order_by(Event.start_date, Event.id)
    else:
        if when == "past":
            query = query.where(last_day < today)
        query = query.order_by(Event.start_date.desc(), Event.id)
    return paginate(query, page, per_page)


def get_event(slug: str, *, include_unpublished: bool = False) -> Event:
    """The event with `slug`."""
    return get_visible(Event, slug, include_unpublished)


def event_state(event: Event, now: datetime | None = None) -> str:
    """`upcoming`, `ongoing` or `past`, by the event's times (or days in its zone)."""
    now = now or utcnow()
    if event.starts_at and event.ends_at:
        if now < event.starts_at:
            return "upcoming"
        return "ongoing" if now <= event.ends_at else "past"
    today = today_in(event.timezone, now)
    if today < event.start_date:
        return "upcoming"
    return "ongoing" if today <= (event.end_date or event.start_date) else "past"


def _set_organizations(event: Event, links: list[dict]) -> None:
    orgs = resolve_slugs(Organization, [link["organization"] for link in links], "organizations")
    by_slug_ = {org.slug: org for org in orgs}
    event.organization_links = [
        EventOrganization(
            organization=by_slug_[link["organization"]], role=link["role"], position=i
        )
        for i, link in enumerate(links)
    ]


def _set_sessions(event: Event, sessions: list[dict]) -> None:
    rows = []
    for i, data in enumerate(sessions):
        data = dict(data)
        speakers = [Speaker(position=j, **s) for j, s in enumerate(data.pop("speakers", []))]
        rows.append(EventSession(position=i, speakers=speakers, **data))
    event.sessions = rows


def _set_registration(event: Event, settings: dict | None) -> None:
    settings = settings or {}
    event.registration_opens_at = settings.get("opens_at")
    event.registration_closes_at = settings.get("closes_at")
    event.registration_capacity = settings.get("capacity")


def _set_country(event: Event, code: str | None) -> None:
    event.country = resolve_countries([code], "country")[0] if code else None


EVENT_SETTERS = {
    "country": _set_country,
    "organization_links": _set_organizations,
    "sessions": _set_sessions,
    "registration": _set_registration,
}


def complete_days(data: dict) -> dict:
    """Fill `start_date`/`end_date` from the start and end times, in the event's zone."""
    data = dict(data)
    zone = zone_info(data["timezone"]) if data.get("timezone") else None
    for day_key, time_key in (("start_date", "starts_at"), ("end_date", "ends_at")):
        if zone and data.get(time_key) and not data.get(day_key):
            data[day_key] = data[time_key].astimezone(zone).date()
    return data


def save_event(data: dict, actor: Actor, *, record: Event | None = None) -> tuple[Event, dict]:
    """Create or update an event (by slug when `record` is not given)."""
    record = record or by_slug(Event, data["slug"]) or Event()
    changes = save_record(
        record, complete_days(data), EventSchema(), EVENT_SETTERS, actor, record_type="event"
    )
    return record, changes
