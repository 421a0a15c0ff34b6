"""What Babel itself writes for a locale, so tests state the behaviour, not CLDR's punctuation.

A CLDR update may change a dash, a space or an abbreviation; tests compare pages with
what the installed Babel produces for the same value and locale, and check the parts a
reader relies on (the month's name in their language, the year, the order) directly.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_interval, format_skeleton, get_month_names


def plain(text: str) -> str:
    """Text with CLDR's no-break spaces made plain, as the tests write them."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def long_date(day: date, lang: str) -> str:
    return plain(format_date(day, "long", locale=lang))


def full_date(day: date, lang: str) -> str:
    return plain(format_date(day, "full", locale=lang))


def short_day(day: date, lang: str) -> str:
    return plain(format_skeleton("MMMEd", day, locale=lang))


def clock(moment: datetime, zone: str, lang: str) -> str:
    return plain(format_skeleton("Hm", moment.astimezone(ZoneInfo(zone)), locale=lang))


def date_time(moment: datetime, zone: str, lang: str) -> str:
    """A date and time as pages and e-mails write it: the long date, then the time."""
    local = moment.astimezone(ZoneInfo(zone))
    return f"{long_date(local.date(), lang)}, {clock(moment, zone, lang)}"


def date_range(start: date, end: date, lang: str) -> str:
    return plain(format_interval(start, end, "yMMMd", locale=lang))


def month(number: int, lang: str, width: str = "wide", context: str = "format") -> str:
    return get_month_names(width, context=context, locale=lang)[number]
