"""Time zones of stored values, read defensively.

Input is checked at the edge (`kb.schemas.fields.TimeZone`, plausible dates), but a value
stored before those checks, or written into the database by hand, must not make a page
answer 500 for everyone: an unknown zone reads as UTC and an instant that cannot be moved
into a zone (the year 9999 at the edge of the calendar) stays in UTC.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cache
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


# The zones people choose from: the current ones, by country (tzdb's zone.tab), with the
# old names (Asia/Calcutta, Asia/Asmera, Europe/Kiev…) read as the current ones.

#: A country's usual zone where it has several (its capital's); else zone.tab's first.
_COUNTRY_ZONE = {
    "AR": "America/Argentina/Buenos_Aires",
    "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo",
    "CA": "America/Toronto",
    "CD": "Africa/Kinshasa",
    "CL": "America/Santiago",
    "CN": "Asia/Shanghai",
    "CY": "Asia/Nicosia",
    "DE": "Europe/Berlin",
    "EC": "America/Guayaquil",
    "ES": "Europe/Madrid",
    "ID": "Asia/Jakarta",
    "KZ": "Asia/Almaty",
    "MN": "Asia/Ulaanbaatar",
    "MX": "America/Mexico_City",
    "MY": "Asia/Kuala_Lumpur",
    "NZ": "Pacific/Auckland",
    "PT": "Europe/Lisbon",
    "RU": "Europe/Moscow",
    "UA": "Europe/Kyiv",
    "US": "America/New_York",
    "UZ": "Asia/Tashkent",
}


def _tzdb_file(name: str) -> str:
    """A text file of the time-zone database: the tzdata package's, else the system's."""
    try:
        from importlib.resources import files

        return files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")
    except (ImportError, OSError):
        from zoneinfo import TZPATH

        for folder in TZPATH:
            try:
                with open(f"{folder}/{name}", encoding="utf-8") as f:
                    return f.read()
            except OSError:
                continue
    return ""


@cache
def current_zones() -> dict[str, str]:
    """Every current zone people may live in, with its country's ISO code."""
    out = {}
    for line in _tzdb_file("zone.tab").splitlines():
        if line and not line.startswith("#"):
            fields = line.split("\t")
            if len(fields) >= 3 and _exists(fields[2]):
                out[fields[2]] = fields[0]
    return out


@cache
def _links() -> dict[str, str]:
    """Old and alias names → the zone they now stand for (tzdb's Link lines)."""
    links = {}
    for line in _tzdb_file("tzdata.zi").splitlines():
        if line.startswith("L "):
            _, target, name = line.split()[:3]
            links[name] = target
    return links


def _exists(name: str) -> bool:
    try:
        ZoneInfo(name)
    except Exception:  # noqa: BLE001  (not found, or a name that is not a path)
        return False
    return True


def canonical(name: str | None) -> str | None:
    """The current zone that `name` means (itself, or what an old name links to);
    "UTC" for UTC and its aliases; None if `name` is not a zone people live in."""
    if not name or len(name) > 64:
        return None
    if name in ("UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Zulu"):
        return "UTC"
    zones = current_zones()
    for _ in range(3):  # a link may point to another link
        if name in zones:
            return name
        name = _links().get(name)
        if name is None:
            return None
    return None


def country_zone(code: str | None) -> str | None:
    """The usual zone of a country (ISO 3166 code), or None if unknown."""
    if not code:
        return None
    code = code.upper()
    if code in _COUNTRY_ZONE:
        return _COUNTRY_ZONE[code]
    return next((z for z, c in current_zones().items() if c == code), None)


def span_end(days: list, i: int) -> int | None:
    """Where a span that begins on `days[i]` (event days, by date) ends: a day with only a
    start, then days without hours, then a day with only an end, one date after another.
    That is how an event given by its first start and last end is stored, an evening that
    runs past midnight being two such days. None when `days[i]` does not begin one."""
    if days[i].starts is None or days[i].ends is not None:
        return None
    for k in range(i + 1, len(days)):
        if days[k].day - days[k - 1].day != timedelta(days=1) or days[k].starts is not None:
            return None
        if days[k].ends is not None:
            return k
    return None


def stretches(days: list) -> Iterator[tuple[int, int, bool]]:
    """Event days (by date) walked in order: `(i, j, True)` for a stretch from `days[i]`
    to `days[j]` (`span_end`), `(i, i, False)` for each other day."""
    i = 0
    while i < len(days):
        end = span_end(days, i)
        yield (i, i, False) if end is None else (i, end, True)
        i = (end if end is not None else i) + 1
