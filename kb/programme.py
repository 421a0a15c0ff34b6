"""An event's programme as pages and e-mails show it: days, sessions, times in two zones."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from kb.models import Event, EventSession
from kb.models.base import utcnow
from kb.timeview import (
    day_block,
    day_heading,
    day_hours,
    offsets_differ,
    span,
    stretch_hours,
)
from kb.tz import in_zone, next_day, start_of, stretches


@dataclass
class Row:
    """One session: its times in the event's zone and the reader's, and its state."""

    session: EventSession
    event_time: str | None
    reader_time: str | None
    state: str | None


@dataclass
class Day:
    """The sessions of one day in the event's zone, with that day's dates in the reader's."""

    day: date | None
    heading: str | None
    reader_heading: str | None
    rows: list[Row] = field(default_factory=list)
    #: The day's hours in the event's zone and in the reader's ("13:00–17:30"), if known.
    hours: str | None = None
    reader_hours: str | None = None


def session_state(session: EventSession, zone: str, now: datetime) -> str | None:
    """`upcoming`, `ongoing` or `past` for a session with a time or a day; else None."""
    if session.starts_at:
        start = session.starts_at
        day = in_zone(start, zone).date()
        end = session.ends_at or start_of(next_day(day), zone)
    elif session.day:
        start = start_of(session.day, zone)
        end = start_of(next_day(session.day), zone)
    else:
        return None
    if now < start:
        return "upcoming"
    return "ongoing" if now < end else "past"


def session_states(event, now: datetime | None = None) -> tuple[str | None, ...]:
    """Each session's state now, in order: what an event page shows of them besides the
    event's own state (`event` may be an `events.EventFacts`, whose sessions carry only
    their times)."""
    now = now or utcnow()
    return tuple(session_state(s, event.timezone, now) for s in event.sessions)


def _day_of(session: EventSession, zone: str) -> date | None:
    if session.starts_at:
        return in_zone(session.starts_at, zone).date()
    return session.day


def programme(event: Event, reader: str, now: datetime | None = None) -> list[Day]:
    """The event's days (each with its hours) and their sessions, in the event's zone;
    undated sessions last, in order."""
    now = now or utcnow()
    zone = event.timezone
    stretches, carried = _stretches(list(event.days))
    days: dict[date | None, Day] = {
        d.day: Day(
            d.day,
            day_heading(d.day),
            None,
            hours=stretch_hours(d, stretches[d.day], zone)
            if d.day in stretches
            else day_hours(d, zone),
            reader_hours=stretch_hours(d, stretches[d.day], reader)
            if d.day in stretches
            else day_hours(d, reader),
        )
        for d in event.days
    }
    for session in event.sessions:
        day = _day_of(session, zone)
        group = days.setdefault(day, Day(day, day_heading(day) if day else None, None))
        if session.starts_at:
            event_time = span(session.starts_at, session.ends_at, zone, day)
            reader_time = span(session.starts_at, session.ends_at, reader, day)
        else:
            event_time = reader_time = None
        group.rows.append(Row(session, event_time, reader_time, session_state(session, zone, now)))
    blocks = {d.day: day_block(d, zone) for d in event.days}
    for group in days.values():
        starts = [r.session.starts_at for r in group.rows if r.session.starts_at]
        starts += [t for t in blocks.get(group.day, ()) if t]
        reader_days = sorted({in_zone(s, reader).date() for s in starts})
        if reader_days and reader_days != [group.day]:
            group.reader_heading = " · ".join(day_heading(d) for d in reader_days)
    # A day an evening ran on into, with no session of its own, is said by its first day.
    dated = sorted(d for d in days if d is not None and not (d in carried and not days[d].rows))
    return [days[d] for d in dated] + ([days[None]] if None in days else [])


def _stretches(rows: list) -> tuple[dict, set]:
    """The event's stretches (kb.tz.span_end): each first day with its last, and the days
    after the first of each."""
    firsts, carried = {}, set()
    for i, end, stretch in stretches(rows):
        if stretch:
            firsts[rows[i].day] = rows[end]
            carried.update(row.day for row in rows[i + 1 : end + 1])
    return firsts, carried


def zones_differ(event: Event, reader: str) -> bool:
    """Whether the reader's clock differs from the event's at the event's start."""
    return offsets_differ(event.timezone, reader, event.starts_at)
