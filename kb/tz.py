"""Time zones of stored values, read defensively.

Input is checked at the edge (`kb.schemas.fields.TimeZone`, plausible dates), but a value
stored before those checks, or written into the database by hand, must not make a page
answer 500 for everyone: an unknown zone reads as UTC and an instant that cannot be moved
into a zone (the year 9999 at the edge of the calendar) stays in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo


def zone_info(name: str | None) -> tzinfo:
    """The zone called `name`; UTC when there is no such zone (or no name)."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except Exception:  # noqa: BLE001  (ZoneInfoNotFoundError, ValueError, OSError for odd names)
        return UTC


def in_zone(value: datetime, zone: str | None) -> datetime:
    """An instant as wall-clock time in `zone`; in UTC when the calendar cannot hold that."""
    try:
        return value.astimezone(zone_info(zone))
    except (OverflowError, ValueError):
        return value.astimezone(UTC)


def next_day(day: date) -> date:
    """The day after `day` (the last day the calendar holds stays itself)."""
    return day if day >= date.max else day + timedelta(days=1)


def start_of(day: date, zone: str | None) -> datetime:
    """Midnight at the start of `day` in `zone`, as an aware instant."""
    return datetime.combine(day, datetime.min.time(), zone_info(zone))


def today_in(zone: str | None, now: datetime | None = None) -> date:
    """Today's date in `zone`."""
    return in_zone(now or datetime.now(UTC), zone).date()
