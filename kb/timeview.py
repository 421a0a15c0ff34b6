"""Dates, times and zones as readers see them, for pages, e-mails and calendars alike.

Views, mail and calendars import this module (it imports nothing of theirs), so the way a
time is written is the same everywhere. Texts follow the reader's language (kb.i18n).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from babel.dates import format_date as babel_date
from babel.dates import (
    format_interval,
    format_skeleton,
    get_month_names,
    get_timezone_gmt,
)

from kb.i18n import current_language

#: Zone-name prefixes that are aliases or legacy names, not places people choose.
_LEGACY = ("Etc/", "SystemV/", "US/", "posix", "right/", "Canada/", "Brazil/", "Mexico/", "Chile/")


def fmt_date(value: date | None, form: str = "long") -> str:
    """A date in the reader's locale."""
    return babel_date(value, form, locale=current_language()) if value else ""


def month_name(month: int) -> str:
    """The name of a month (1–12) in the reader's language, as it stands alone."""
    return get_month_names("wide", context="stand-alone", locale=current_language())[month]


def in_zone(value: datetime, zone: str) -> datetime:
    """An instant as wall-clock time in `zone`."""
    return value.astimezone(ZoneInfo(zone))


def fmt_time(value: datetime, zone: str) -> str:
    """A time of day in `zone`, on the 24-hour clock the network's programmes use."""
    return format_skeleton("Hm", in_zone(value, zone), locale=current_language())


def fmt_date_range(start: date, end: date | None) -> str:
    """Two dates as one range, the locale's way ("3–8 сент. 2016 г.")."""
    if not end or end == start:
        return fmt_date(start)
    return format_interval(start, end, "yMMMd", locale=current_language())


def fmt_datetime(value: datetime, zone: str) -> str:
    """A date and time in `zone`, in the reader's locale."""
    local = in_zone(value, zone)
    return f"{babel_date(local.date(), 'long', locale=current_language())}, {fmt_time(value, zone)}"


def zone_label(zone: str, at: datetime | None = None) -> str:
    """The zone as readers know it: its GMT offset and its IANA name."""
    moment = in_zone(at, zone) if at else datetime.now(ZoneInfo(zone))
    gmt = get_timezone_gmt(moment, width="long", locale=current_language())
    return f"{gmt}, {zone}"


def event_when(event, zone: str | None = None) -> str:
    """When an event takes place, in its own zone (or `zone`): days, and times where known."""
    zone = zone or event.timezone
    if event.starts_at and event.ends_at:
        start, end = in_zone(event.starts_at, zone), in_zone(event.ends_at, zone)
        if start.date() == end.date():
            times = f"{fmt_time(event.starts_at, zone)}–{fmt_time(event.ends_at, zone)}"
            return f"{fmt_date(start.date())}, {times}"
        return f"{fmt_datetime(event.starts_at, zone)} – {fmt_datetime(event.ends_at, zone)}"
    if event.starts_at:
        return fmt_datetime(event.starts_at, zone)
    return fmt_date_range(event.start_date, event.end_date)


@cache
def zone_choices() -> tuple[str, ...]:
    """The IANA zones a reader may choose, by name (UTC first)."""
    names = {z for z in available_timezones() if "/" in z and not z.startswith(_LEGACY)}
    return ("UTC", *sorted(names))


def valid_zone(name: str | None) -> str | None:
    """`name` if it is a zone a reader may choose, else None."""
    return name if name and name in zone_choices() else None


def offsets_differ(zone_a: str, zone_b: str, at: datetime | None) -> bool:
    """Whether the two zones show different clock times at `at` (default: now)."""
    at = at or datetime.now(UTC)
    return in_zone(at, zone_a).utcoffset() != in_zone(at, zone_b).utcoffset()


def day_heading(day: date) -> str:
    """A programme's day heading in the reader's locale ("Wednesday, 18 November 2020")."""
    return babel_date(day, "full", locale=current_language())


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
