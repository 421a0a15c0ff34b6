"""Times in two zones: the event's and the reader's (from the browser, or chosen).

The reader's zone comes from `?tz=` (a choice, kept in a cookie), then the `tz` cookie
(set by static/js/reader-zone.js from the browser), else UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import available_timezones

from babel.dates import format_date, format_skeleton
from flask import request

from kb.i18n import current_language
from kb.tz import in_zone
from kb.views.text import fmt_time

ZONE_COOKIE = "tz"
#: Zone-name prefixes that are aliases or legacy names, not places people choose.
_LEGACY = ("Etc/", "SystemV/", "US/", "posix", "right/", "Canada/", "Brazil/", "Mexico/", "Chile/")


@cache
def zone_choices() -> tuple[str, ...]:
    """The IANA zones a reader may choose, by name (UTC first)."""
    names = {z for z in available_timezones() if "/" in z and not z.startswith(_LEGACY)}
    return ("UTC", *sorted(names))


def valid_zone(name: str | None) -> str | None:
    """`name` if it is a zone a reader may choose, else None."""
    return name if name and name in zone_choices() else None


def reader_zone() -> tuple[str, bool]:
    """The reader's zone and whether it is known (chosen or from the browser)."""
    zone = valid_zone(request.args.get("tz")) or valid_zone(request.cookies.get(ZONE_COOKIE))
    return (zone, True) if zone else ("UTC", False)


def offsets_differ(zone_a: str, zone_b: str, at: datetime | None) -> bool:
    """Whether the two zones show different clock times at `at` (default: now)."""
    at = at or datetime.now(UTC)
    return in_zone(at, zone_a).utcoffset() != in_zone(at, zone_b).utcoffset()


def day_heading(day: date) -> str:
    """A programme's day heading in the reader's locale ("Wednesday, 18 November 2020")."""
    return format_date(day, "full", locale=current_language())


def short_day(day: date) -> str:
    """A short day for a time that falls on another day ("Tue, Nov 17")."""
    return format_skeleton("MMMEd", day, locale=current_language())


def span(start: datetime, end: datetime | None, zone: str, day: date | None) -> str:
    """`13:00–17:30` in `zone`; the day is added where it is not `day`."""
    text = fmt_time(start, zone)
    if in_zone(start, zone).date() != day:
        text = f"{short_day(in_zone(start, zone).date())}, {text}"
    if end:
        end_text = fmt_time(end, zone)
        if in_zone(end, zone).date() != in_zone(start, zone).date():
            end_text = f"{short_day(in_zone(end, zone).date())}, {end_text}"
        text = f"{text}–{end_text}"
    return text
