"""Dates, times and zones as readers see them, for pages, e-mails and calendars alike.

Views, mail and calendars import this module (it imports nothing of theirs), so the way a
time is written is the same everywhere. Texts follow the reader's language (kb.i18n).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache, lru_cache
from zoneinfo import available_timezones

from babel import Locale
from babel.dates import format_date as babel_date
from babel.dates import (
    format_interval,
    format_skeleton,
    get_month_names,
    get_timezone_gmt,
    get_timezone_location,
)
from flask_babel import gettext as _

from kb.i18n import current_language
from kb.tz import canonical, current_zones, in_zone, span_end, stretches, zone_info

#: Zone-name prefixes that are aliases or legacy names, not places people choose.
_LEGACY = ("Etc/", "SystemV/", "US/", "posix", "right/", "Canada/", "Brazil/", "Mexico/", "Chile/")


def fmt_date(value: date | None, form: str = "long") -> str:
    """A date in the reader's locale."""
    return babel_date(value, form, locale=current_language()) if value else ""


def month_name(month: int) -> str:
    """The name of a month (1–12) in the reader's language, as it stands alone."""
    return get_month_names("wide", context="stand-alone", locale=current_language())[month]


def month_title(year: int, month: int) -> str:
    """A month of a year as a heading, the locale's way ("November 2020", "2020년 11월")."""
    text = format_skeleton("yMMMM", date(year, month, 1), locale=current_language())
    return text[:1].upper() + text[1:]


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
    moment = in_zone(at or datetime.now(UTC), zone)
    gmt = get_timezone_gmt(moment, width="long", locale=current_language())
    return f"{gmt}, {zone}"


def day_block(day, zone: str) -> tuple[datetime | None, datetime | None]:
    """An event day's hours (wall clock in the event's zone) as instants; None where unknown."""
    event_zone = zone_info(day.event.timezone)
    start = datetime.combine(day.day, day.starts, event_zone) if day.starts else None
    end = datetime.combine(day.day, day.ends, event_zone) if day.ends else None
    return start, end


def day_hours(day, zone: str) -> str | None:
    """A day's hours in `zone` ("13:00–17:30"; "…" for an hour not known), or None."""
    start, end = day_block(day, zone)
    if start is None and end is None:
        return None
    if start and end:  # the end's day is said where it is another day in `zone`
        return span(start, end, zone, in_zone(start, zone).date())
    return "–".join(fmt_time(t, zone) if t else "…" for t in (start, end))


def stretch_hours(first, last, zone: str) -> str:
    """A stretch's hours (kb.tz.span_end) in `zone`, from its first day's start to its last
    day's end, the end's day said ("22:00–Tue, Nov 19, 02:00")."""
    start, end = day_block(first, zone)[0], day_block(last, zone)[1]
    return span(start, end, zone, in_zone(start, zone).date())


def _day_in(day, zone: str) -> date:
    start, end = day_block(day, zone)
    return in_zone(start or end, zone).date() if (start or end) else day.day


def event_when(event, zone: str | None = None) -> str:
    """When an event takes place, in its own zone (or `zone`): its days and their hours.

    Days with the same hours read as one range ("18–19 November 2020, 13:00–17:30 each
    day"); otherwise each day is listed with its own hours, and a stretch (kb.tz.span_end:
    an evening past midnight) as one part from its start to its end.
    """
    zone = zone or event.timezone
    days = list(getattr(event, "days", None) or [])
    if not days:
        return fmt_date_range(event.start_date, event.end_date)
    if len(days) > 1 and span_end(days, 0) == len(days) - 1:  # one stretch, start to end
        first = in_zone(day_block(days[0], zone)[0], zone).date()
        return f"{fmt_date(first)}, {stretch_hours(days[0], days[-1], zone)}"
    hours = [day_hours(d, zone) for d in days]
    dates = [_day_in(d, zone) for d in days]
    consecutive = all((b - a).days == 1 for a, b in zip(dates, dates[1:], strict=False))
    if len(days) == 1:
        return f"{fmt_date(dates[0])}, {hours[0]}" if hours[0] else fmt_date(dates[0])
    if consecutive and len(set(hours)) == 1:
        stretch = fmt_date_range(dates[0], dates[-1])
        if hours[0] is None:
            return stretch
        return _("%(dates)s, %(hours)s each day", dates=stretch, hours=hours[0])
    parts = []
    for i, end, stretch in stretches(days):  # each day with its hours, a stretch as one
        if stretch:
            parts.append(f"{fmt_date(dates[i])}, {stretch_hours(days[i], days[end], zone)}")
        else:
            parts.append(f"{fmt_date(dates[i])}, {hours[i]}" if hours[i] else fmt_date(dates[i]))
    return "; ".join(parts)


@cache
def zone_choices() -> tuple[str, ...]:
    """The IANA zones a reader may choose, by name (UTC first)."""
    names = {z for z in available_timezones() if "/" in z and not z.startswith(_LEGACY)}
    return ("UTC", *sorted(names))


def valid_zone(name: str | None) -> str | None:
    """The current zone `name` stands for (an old name such as Asia/Calcutta reads as
    Asia/Kolkata), or None if it is not a zone a reader may choose."""
    return canonical(name)


def zone_offset(zone: str, at: datetime | None = None) -> str:
    """The zone's offset from UTC at `at` (now by default): "UTC+5", "UTC+5:30", "UTC"."""
    offset = in_zone(at or datetime.now(UTC), zone).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    if not minutes:
        return "UTC"
    sign, minutes = ("+" if minutes > 0 else "-"), abs(minutes)
    hours, rest = divmod(minutes, 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_city(zone: str) -> str:
    """The zone's city in the reader's language, as CLDR names it ("Ташкент")."""
    if zone == "UTC":
        return "UTC"
    try:
        return get_timezone_location(zone, locale=current_language(), return_city=True)
    except (LookupError, ValueError):
        return zone.rsplit("/", 1)[-1].replace("_", " ")


def zone_option(zone: str, at: datetime | None = None) -> str:
    """A zone as a picker offers it: "Ташкент (UTC+5)"."""
    if zone == "UTC":
        return "UTC"
    return f"{zone_city(zone)} ({zone_offset(zone, at)})"


def zone_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every current zone as (country, [(zone, "City (UTC+5)")]), in the reader's language,
    countries and cities in alphabetical order: a grouped select needs no script."""
    return _zone_groups(current_language(), datetime.now(UTC).date())


@lru_cache(maxsize=8)
def _zone_groups(lang: str, day: date) -> list[tuple[str, list[tuple[str, str]]]]:
    names = Locale.parse(lang).territories
    at = datetime.combine(day, datetime.min.time(), UTC)
    by_country: dict[str, list[tuple[str, str]]] = {}
    for zone, country in current_zones().items():
        by_country.setdefault(names.get(country, country), []).append((zone, zone_option(zone, at)))
    return [
        (country, sorted(zones, key=lambda pair: pair[1].casefold()))
        for country, zones in sorted(by_country.items(), key=lambda item: item[0].casefold())
    ]


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
