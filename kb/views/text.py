"""Template filters: paragraphs of plain text, numbers, and the times of kb.timeview."""

from __future__ import annotations

from functools import lru_cache

from babel.numbers import format_decimal
from flask import Flask
from markupsafe import Markup, escape

from kb import timeview
from kb.i18n import current_language


def paragraphs(text: str | None) -> Markup:
    """Plain text to HTML paragraphs (blank lines separate them), escaped."""
    if not text:
        return Markup("")
    parts = [p.strip() for p in str(text).replace("\r\n", "\n").split("\n\n") if p.strip()]
    return Markup("").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in p.split("\n")))
        for p in parts
    )


def fmt_number(value) -> str:
    """A number in the reader's locale."""
    return _formatted(value, current_language())


def numbers():
    """`fmt_number` for many numbers in one language: the reader's, looked up once."""
    language = current_language()
    return lambda value: _formatted(value, language)


@lru_cache(maxsize=4096, typed=True)
def _formatted(value, language: str) -> str:
    # Babel reads the locale's patterns on every call (~40 µs): a page of facet counts
    # formats the same small numbers again and again.
    return format_decimal(value, locale=language)


def init_app(app: Flask) -> None:
    """Register the filters."""
    app.jinja_env.filters.update(
        paragraphs=paragraphs,
        date=timeview.fmt_date,
        date_range=timeview.fmt_date_range,
        number=fmt_number,
    )
    app.jinja_env.globals.update(
        fmt_time=timeview.fmt_time,
        fmt_datetime=timeview.fmt_datetime,
        zone_label=timeview.zone_label,
        zone_option=timeview.zone_option,
        event_when=timeview.event_when,
        month_name=timeview.month_name,
        month_title=timeview.month_title,
    )
