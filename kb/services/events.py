"""Network events: listing, reading and saving, with sessions, speakers and organisations."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from types import SimpleNamespace

import sqlalchemy as sa
from flask_babel import gettext as _

from kb.extensions import db
from kb.models import (
    Country,
    Event,
    EventDay,
    EventOrganization,
    EventSession,
    Organization,
    Speaker,
)
from kb.models.base import utcnow
from kb.schemas.records import EventSchema
from kb.services.common import (
    Page,
    ServiceError,
    by_slug,
    get_visible,
    paginate,
    resolve_countries,
    resolve_slugs,
)
from kb.services.freshness import memo
from kb.services.presented import check_presented, set_presented
from kb.services.records import Actor, save_record
from kb.tz import next_day, stretches, today_in, zone_info


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


@dataclass(frozen=True)
class EventFacts:
    """What an event page's state and registration depend on, as plain values: enough
    for `event_state` and `registrations.registration_state`, with no database object."""

    id: int
    timezone: str
    start_date: date
    end_date: date | None
    starts_at: datetime | None
    ends_at: datetime | None
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    registration_capacity: int | None
    is_published: bool = True
    #: The sessions' times, in the programme's order (their states move with the clock).
    sessions: tuple[SessionTimes, ...] = ()


@dataclass(frozen=True)
class SessionTimes:
    """A session's times, all that `programme.session_state` reads."""

    starts_at: datetime | None
    ends_at: datetime | None
    day: date | None


def published_event_facts(slug: str) -> EventFacts | None:
    """The facts of the published event with `slug` (None if there is none), read once
    per process and version of the data: every change to an event changes the version."""
    return memo(("events.facts", slug.lower()), lambda: _facts(slug.lower()))


def _facts(slug: str) -> EventFacts | None:
    e = Event
    row = db.session.execute(
        sa.select(
            e.id,
            e.timezone,
            e.start_date,
            e.end_date,
            e.starts_at,
            e.ends_at,
            e.registration_opens_at,
            e.registration_closes_at,
            e.registration_capacity,
        ).where(e.slug == slug, e.status == "published")
    ).one_or_none()
    if row is None:
        return None
    s = EventSession
    sessions = db.session.execute(
        sa.select(s.starts_at, s.ends_at, s.day)
        .where(s.event_id == row.id)
        .order_by(s.position, s.id)
    ).all()
    return EventFacts(*row, sessions=tuple(SessionTimes(*times) for times in sessions))


def event_state(event: Event | EventFacts, now: datetime | None = None) -> str:
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
    """Sessions in their order; a session given with its id is the same row (same uid)."""
    existing = {s.uid: s for s in event.sessions}
    taken = set(existing)
    rows = []
    for i, data in enumerate(sessions):
        data = dict(data)
        speakers = [_speaker(j, s) for j, s in enumerate(data.pop("speakers", []))]
        presented = data.pop("presented", None) or []
        given = data.pop("uid", None) or ""
        row = existing.pop(given, None) or EventSession(uid=_new_uid(given, taken))
        taken.add(row.uid)
        set_presented(row, presented)
        for key in SESSION_KEYS:
            setattr(row, key, data.get(key))
        row.languages = data.get("languages") or []
        row.position, row.speakers = i, speakers
        rows.append(row)
    event.sessions = rows


def _new_uid(given: str, taken: set[str]) -> str:
    """A new session's uid: the one given, when it is well formed and nobody's (so a session
    imported into another database keeps its identity and calendar entries), else a fresh one.
    """
    if (
        re.fullmatch(r"[0-9a-f]{32}", given)
        and given not in taken
        and not db.session.scalar(sa.select(EventSession.id).where(EventSession.uid == given))
    ):
        return given
    return uuid.uuid4().hex


def _speaker(position: int, data: dict) -> Speaker:
    """A speaker row; the organisation (checked before) is found by its slug."""
    data = dict(data)
    slug = data.pop("organization", None)
    organization = by_slug(Organization, slug) if slug else None
    return Speaker(position=position, organization=organization, **data)


def check_speakers(data: dict) -> None:
    """Refuse a speaker's organisation that is not a published one (named as sent)."""
    for i, session in enumerate(data.get("sessions") or []):
        for j, speaker in enumerate(session.get("speakers") or []):
            slug = speaker.get("organization")
            found = by_slug(Organization, slug) if slug else None
            if slug and (found is None or not found.is_published):
                raise ServiceError(
                    f"sessions.{i}.speakers.{j}.organization",
                    _("Nothing in the knowledge base has the slug “%(slug)s”.", slug=slug),
                )


#: The session's own columns that a save sets (absent keys are cleared).
SESSION_KEYS = (
    "title",
    "description",
    "day",
    "starts_at",
    "ends_at",
    "interpretation",
    "join_url",
)


def _set_days(event: Event, days: list[dict]) -> None:
    """The event's days; a day kept keeps its row (its key is the date)."""
    existing = {d.day: d for d in event.days}
    rows = []
    for data in days:
        row = existing.pop(data["day"], None) or EventDay(day=data["day"])
        row.starts, row.ends = data.get("starts"), data.get("ends")
        rows.append(row)
    event.days = rows


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
    "days": _set_days,
    "registration": _set_registration,
    "presented": set_presented,
}


#: The longest span that turns into days on its own (longer events list their days).
MAX_DAYS = 366


def _at(day: date, hour: time | None, zone: tzinfo) -> datetime | None:
    return datetime.combine(day, hour, zone) if hour is not None else None


def _days_from_span(data: dict, zone: tzinfo) -> list[dict]:
    """One day per calendar date of the span, with only the hours the span says."""
    starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
    first = starts_at.astimezone(zone).date() if starts_at else data.get("start_date")
    if first is None:
        return []
    last = ends_at.astimezone(zone).date() if ends_at else (data.get("end_date") or first)
    last = max(first, last)
    if (last - first).days >= MAX_DAYS:
        raise ServiceError(
            "end_date",
            _("An event longer than %(count)d days must list its days.", count=MAX_DAYS),
        )
    days = [
        {"day": first + timedelta(days=i), "starts": None, "ends": None}
        for i in range((last - first).days + 1)
    ]
    if starts_at:
        days[0]["starts"] = starts_at.astimezone(zone).time().replace(tzinfo=None)
    if ends_at:
        days[-1]["ends"] = ends_at.astimezone(zone).time().replace(tzinfo=None)
    return days


def complete_days(data: dict) -> dict:
    """The days, and the span computed from them (first day's start, last day's end).

    Given days win; without them, the span (times or dates) becomes one day per date.
    """
    data = dict(data)
    if not data.get("timezone"):
        return data
    zone = zone_info(data["timezone"])
    days = sorted(data.get("days") or [], key=lambda d: d["day"]) or _days_from_span(data, zone)
    for i in range(1, len(days)):
        if days[i]["day"] == days[i - 1]["day"]:
            raise ServiceError(f"days.{i}.day", _("This day is listed twice."))
    if not days:
        return data
    first, last = days[0], days[-1]
    data["days"] = days
    one_day = first["day"] == last["day"]
    data["start_date"] = first["day"]
    data["end_date"] = last["day"] if not one_day else (data.get("end_date") or None)
    if data["end_date"] is not None and data["end_date"] != last["day"]:
        data["end_date"] = None
    data["starts_at"] = _at(first["day"], first.get("starts"), zone)
    data["ends_at"] = _at(last["day"], last.get("ends"), zone)
    check_sessions(data, zone)
    return data


def day_bounds(day: dict, zone: tzinfo) -> tuple[datetime, datetime]:
    """The instants a day's block starts and ends (midnight where an hour is not known)."""
    start = _at(day["day"], day.get("starts") or time(0), zone)
    end = _at(day["day"], day.get("ends"), zone) or datetime.combine(
        next_day(day["day"]), time(0), zone
    )
    return start, end


def _hours(day: dict) -> str:
    start, end = day.get("starts"), day.get("ends")
    return f"{start.strftime('%H:%M') if start else '…'}–{end.strftime('%H:%M') if end else '…'}"


def _days_text(days: list[dict]) -> str:
    from kb.timeview import fmt_date

    return "; ".join(f"{fmt_date(d['day'])} {_hours(d)}" for d in days)


def _span_ends(days: list[dict], zone: tzinfo) -> dict[date, datetime]:
    """For each day inside a span given by its first start and last end (kb.tz.span_end),
    the instant the span ends: a session there may run past midnight up to it."""
    rows = [SimpleNamespace(day=d["day"], starts=d.get("starts"), ends=d.get("ends")) for d in days]
    ends: dict[date, datetime] = {}
    for i, last, stretch in stretches(rows):
        if stretch:
            end = _at(rows[last].day, rows[last].ends, zone)
            ends.update({row.day: end for row in rows[i : last + 1]})
    return ends


def check_sessions(data: dict, zone: tzinfo) -> None:
    """Refuse a session outside the event's days, field by field; give each its day.

    Sessions are then put in order: by day, by start time, and in their given order
    where those tie (so moving a session up or down only changes ties).
    """
    sessions = data.get("sessions")
    if not sessions:
        return
    data["sessions"] = sessions = [dict(s) for s in sessions]
    days = {d["day"]: d for d in data["days"]}
    listed = _days_text(data["days"])
    span_ends = _span_ends(data["days"], zone)
    for i, session in enumerate(sessions):
        start, end = session.get("starts_at"), session.get("ends_at")
        day = session.get("day")
        if start is not None:
            start_day = start.astimezone(zone).date()
            if day is not None and day != start_day:
                raise ServiceError(
                    f"sessions.{i}.day", _("The day is not the day the session starts.")
                )
            day = start_day
        elif day is None and len(days) == 1:
            day = next(iter(days))
        if day is None:  # its day is not known (yet): it is listed apart
            continue
        field = "starts_at" if start is not None else "day"
        if day not in days:
            raise ServiceError(
                f"sessions.{i}.{field}",
                _("The session is not on one of the event's days (%(days)s).", days=listed),
            )
        low, high = day_bounds(days[day], zone)
        high = span_ends.get(day, high)  # an evening past midnight may go on to its end
        if start is not None and not low <= start < high:
            raise ServiceError(
                f"sessions.{i}.starts_at",
                _("The session starts outside its day's hours (%(days)s).", days=listed),
            )
        if end is not None and not (start or low) < end <= high:
            raise ServiceError(
                f"sessions.{i}.ends_at",
                _("The session ends outside its day's hours (%(days)s).", days=listed),
            )
        session["day"] = day
    sessions.sort(
        key=lambda s: (
            s.get("day") is None,
            s.get("day") or date.min,
            s.get("starts_at") is None,
            s["starts_at"].timestamp() if s.get("starts_at") else 0,
        )
    )


def _known_sessions(event: Event, sessions: list[dict]) -> list[dict]:
    """Sessions given without an id keep the id of the event's session with the same title.

    So a seed file or an API client that leaves the ids out does not turn every session
    into a new one (and every calendar entry into another).
    """
    given = {s["uid"] for s in sessions if s.get("uid")}
    free = [s for s in event.sessions if s.uid not in given]
    out = []
    for session in sessions:
        if not session.get("uid"):
            match = next((s for s in free if s.title == session.get("title")), None)
            if match is not None:
                free.remove(match)
                session = {**session, "uid": match.uid}
        out.append(session)
    return out


def save_event(data: dict, actor: Actor, *, record: Event | None = None) -> tuple[Event, dict]:
    """Create or update an event (by slug when `record` is not given)."""
    record = record or by_slug(Event, data["slug"]) or Event()
    check_presented(data)
    check_speakers(data)
    if record.id is not None and data.get("sessions"):
        data = {**data, "sessions": _known_sessions(record, data["sessions"])}
    changes = save_record(
        record, complete_days(data), EventSchema(), EVENT_SETTERS, actor, record_type="event"
    )
    return record, changes
