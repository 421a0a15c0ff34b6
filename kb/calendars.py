"""Calendar files (iCalendar, RFC 5545) of published events, never with joining links.

Each day of an event is one entry: a block at that day's hours (with TZID plus a
VTIMEZONE) where both are known, else an all-day entry; a span known only by its first
start and last end (an evening past midnight, a forum over three days) is one timed entry.
Each timed session is one more entry whose UID is the session's lasting id, so calendars
that subscribed never mix up sessions after a deletion. Sessions known only by their day
are left to the day's entry.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import icalendar

from kb.i18n import pick
from kb.models import Event, Festival, FestivalEdition
from kb.tz import in_zone, next_day, stretches, zone_info
from kb.urls import absolute_url

PRODID = "-//Silk Roads ICH Network//Knowledge base//EN"
UID_DOMAIN = "silk-roads-ich.kb"


def _text(value: dict | None, lang: str) -> str | None:
    loc = pick(value, lang)
    return loc.text if loc else None


def _day_uid(event: Event, day) -> str:
    return f"event-{event.slug}-{day.day:%Y%m%d}@{UID_DOMAIN}"


def _blocks(event: Event) -> list[tuple]:
    """The event's days as blocks (first day, last day, timed?): each day with both hours
    alone; a span from a first start to a last end as one timed block; consecutive days
    without hours merged into one all-day block."""
    days = list(event.days)
    blocks: list[list] = []
    for i, end, stretch in stretches(days):
        day = days[i]
        if stretch:
            blocks.append([day, days[end], True])
            continue
        timed = day.starts is not None and day.ends is not None
        previous = blocks[-1] if blocks else None
        if (
            not timed
            and previous
            and not previous[2]
            and (day.day - previous[1].day) == timedelta(days=1)
        ):
            previous[1] = day
        else:
            blocks.append([day, day, timed])
    return [tuple(block) for block in blocks]


def _day_entries(event: Event, lang: str) -> list[icalendar.Event]:
    """One entry per day block: its hours in the event's zone, or whole days."""
    url = absolute_url("pages.event", lang=lang, slug=event.slug)
    title = _text(event.title, lang)
    description = _text(event.summary, lang)
    location = _text(event.venue, lang) or ("Online" if event.online else None)
    zone = zone_info(event.timezone)
    entries = []
    for first, last, timed in _blocks(event):
        entry = icalendar.Event()
        entry.add("uid", _day_uid(event, first))
        entry.add("dtstamp", event.updated_at)
        entry.add("last-modified", event.updated_at)
        entry.add("summary", title)
        entry.add("description", f"{description}\n\n{url}" if description else url)
        entry.add("url", url)
        if location:
            entry.add("location", location)
        if timed:
            entry.add("dtstart", datetime.combine(first.day, first.starts, zone))
            entry.add("dtend", datetime.combine(last.day, last.ends, zone))
        else:
            entry.add("dtstart", first.day)
            entry.add("dtend", next_day(last.day))
        entries.append(entry)
    return entries


def _session_entries(event: Event, lang: str) -> list[icalendar.Event]:
    """One entry per timed session; its UID is the session's lasting id, never a position."""
    entries = []
    for session in event.sessions:
        if not session.starts_at:
            continue
        entry = icalendar.Event()
        entry.add("uid", f"session-{session.uid}@{UID_DOMAIN}")
        entry.add("dtstamp", event.updated_at)
        entry.add("summary", f"{_text(event.title, lang)}: {_text(session.title, lang)}")
        entry.add("dtstart", in_zone(session.starts_at, event.timezone))
        if session.ends_at:
            entry.add("dtend", in_zone(session.ends_at, event.timezone))
        entry.add("url", absolute_url("pages.event", lang=lang, slug=event.slug))
        day = in_zone(session.starts_at, event.timezone).date()
        block = next((b for b in _blocks(event) if b[0].day <= day <= b[1].day), None)
        if block is not None:
            entry.add("related-to", _day_uid(event, block[0]))
        entries.append(entry)
    return entries


def _empty(name: str | None) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    return cal


def calendar(
    events: list[Event], lang: str, name: str, editions: list[FestivalEdition] = ()
) -> bytes:
    """An iCalendar file of `events` (with their timed sessions) and dated festival
    `editions` (all-day), texts in `lang`."""
    cal = _empty(name)
    for event in events:
        for entry in _day_entries(event, lang):
            cal.add_component(entry)
        for entry in _session_entries(event, lang):
            cal.add_component(entry)
    for edition in editions:
        cal.add_component(_edition_entry(edition, lang))
    cal.add_missing_timezones()
    return cal.to_ical()


def _edition_entry(edition: FestivalEdition, lang: str) -> icalendar.Event:
    """A dated festival edition as an all-day entry, its UID fixed by festival and year."""
    festival = edition.festival
    name = _text(festival.name, lang)
    url = absolute_url("pages.record", lang=lang, collection="festivals", slug=festival.slug)
    entry = icalendar.Event()
    entry.add("uid", f"festival-{festival.slug}-{edition.year}@{UID_DOMAIN}")
    entry.add("dtstamp", festival.updated_at)
    entry.add("last-modified", festival.updated_at)
    entry.add("summary", f"{name} {edition.year}")
    note = _text(edition.note, lang) or _text(festival.summary, lang)
    entry.add("description", f"{note}\n\n{url}" if note else url)
    entry.add("url", url)
    city = _text(edition.city, lang) or _text(festival.city, lang)
    country = _text(edition.country.name, lang) if edition.country else None
    place = ", ".join(part for part in (city, country) if part)
    if place:
        entry.add("location", place)
    entry.add("dtstart", edition.start_date)
    entry.add("dtend", next_day(edition.end_date or edition.start_date))
    return entry


def festival_calendar(festival: Festival, lang: str) -> bytes:
    """An iCalendar file of a festival's dated editions, as all-day entries (texts in `lang`)."""
    cal = _empty(_text(festival.name, lang))
    for edition in festival.editions:
        if edition.start_date is not None:
            cal.add_component(_edition_entry(edition, lang))
    return cal.to_ical()
