"""Calendar files (iCalendar, RFC 5545) of published events, never with joining links.

Timed events and sessions carry their zone (TZID plus a VTIMEZONE); events known only
by their days become all-day entries. Sessions known only by their day are left to the
event's own entry.
"""

from __future__ import annotations

import icalendar

from kb.i18n import pick
from kb.models import Event, Festival
from kb.tz import in_zone, next_day
from kb.urls import absolute_url

PRODID = "-//Silk Roads ICH Network//Knowledge base//EN"
UID_DOMAIN = "silk-roads-ich.kb"


def _text(value: dict | None, lang: str) -> str | None:
    loc = pick(value, lang)
    return loc.text if loc else None


def _event_entry(event: Event, lang: str) -> icalendar.Event:
    entry = icalendar.Event()
    url = absolute_url("pages.event", lang=lang, slug=event.slug)
    entry.add("uid", f"event-{event.slug}@{UID_DOMAIN}")
    entry.add("dtstamp", event.updated_at)
    entry.add("last-modified", event.updated_at)
    entry.add("summary", _text(event.title, lang))
    description = _text(event.summary, lang)
    entry.add("description", f"{description}\n\n{url}" if description else url)
    entry.add("url", url)
    location = _text(event.venue, lang) or ("Online" if event.online else None)
    if location:
        entry.add("location", location)
    if event.starts_at:
        entry.add("dtstart", in_zone(event.starts_at, event.timezone))
        if event.ends_at:
            entry.add("dtend", in_zone(event.ends_at, event.timezone))
    else:
        entry.add("dtstart", event.start_date)
        entry.add("dtend", next_day(event.end_date or event.start_date))
    return entry


def _session_entries(event: Event, lang: str) -> list[icalendar.Event]:
    entries = []
    for session in event.sessions:
        if not session.starts_at:
            continue
        entry = icalendar.Event()
        entry.add("uid", f"event-{event.slug}-session-{session.position}@{UID_DOMAIN}")
        entry.add("dtstamp", event.updated_at)
        entry.add("summary", f"{_text(event.title, lang)}: {_text(session.title, lang)}")
        entry.add("dtstart", in_zone(session.starts_at, event.timezone))
        if session.ends_at:
            entry.add("dtend", in_zone(session.ends_at, event.timezone))
        entry.add("url", absolute_url("pages.event", lang=lang, slug=event.slug))
        entry.add("related-to", f"event-{event.slug}@{UID_DOMAIN}")
        entries.append(entry)
    return entries


def calendar(events: list[Event], lang: str, name: str) -> bytes:
    """An iCalendar file of `events` (with their timed sessions), texts in `lang`."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(_event_entry(event, lang))
        for entry in _session_entries(event, lang):
            cal.add_component(entry)
    cal.add_missing_timezones()
    return cal.to_ical()


def festival_calendar(festival: Festival, lang: str) -> bytes:
    """An iCalendar file of a festival's dated editions, as all-day entries (texts in `lang`)."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    name = _text(festival.name, lang)
    cal.add("x-wr-calname", name)
    url = absolute_url("pages.record", lang=lang, collection="festivals", slug=festival.slug)
    for edition in festival.editions:
        if edition.start_date is None:
            continue
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
        cal.add_component(entry)
    return cal.to_ical()
