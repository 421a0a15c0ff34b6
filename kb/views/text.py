"""Template filters: paragraphs of plain text, dates and times per locale, event times."""

from __future__ import annotations

from datetime import UTC, date, datetime

from babel.dates import format_date as babel_date
from babel.dates import format_interval, format_skeleton, get_month_names, get_timezone_gmt
from babel.numbers import format_decimal
from flask import Flask
from markupsafe import Markup, escape

from kb.i18n import current_language
from kb.tz import in_zone


def paragraphs(text: str | None) -> Markup:
    """Plain text to HTML paragraphs (blank lines separate them), escaped."""
    if not text:
        return Markup("")
    parts = [p.strip() for p in str(text).replace("\r\n", "\n").split("\n\n") if p.strip()]
    return Markup("").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in p.split("\n")))
        for p in parts
    )


def fmt_date(value: date | None, form: str = "long") -> str:
    """A date in the reader's locale."""
    return babel_date(value, form, locale=current_language()) if value else ""


def fmt_number(value) -> str:
    """A number in the reader's locale."""
    return format_decimal(value, locale=current_language())


def month_name(month: int) -> str:
    """The name of a month (1–12) in the reader's language, as it stands alone."""
    return get_month_names("wide", context="stand-alone", locale=current_language())[month]


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


def init_app(app: Flask) -> None:
    """Register the filters."""
    app.jinja_env.filters.update(
        paragraphs=paragraphs,
        date=fmt_date,
        date_range=fmt_date_range,
        number=fmt_number,
    )
    app.jinja_env.globals.update(
        fmt_time=fmt_time,
        fmt_datetime=fmt_datetime,
        zone_label=zone_label,
        event_when=event_when,
        month_name=month_name,
    )
