"""The network's calendar: a month (grid and day-by-day list) or a year of events and
festival editions, narrowed by country, type and element, times in the reader's zone.

`/<lang>/calendar` shows this month; `?year=2020` a year; `?year=2020&month=11` a month.
Each view links the `.ics` feed with the same filters (`/events.ics?festivals=1&…`).
No JavaScript: the filters and the reader's zone are one GET form.
"""

from __future__ import annotations

import calendar as stdlib_calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from babel import Locale
from babel.dates import get_day_names
from flask import render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from kb import labels, timeview
from kb.i18n import current_language, pick
from kb.models import EVENT_KINDS, Event, FestivalEdition
from kb.schemas import messages
from kb.schemas.args import CALENDAR_YEARS, CalendarPageArgs
from kb.services import agenda
from kb.tz import in_zone, stretches, today_in
from kb.urls import absolute_url
from kb.views import bp
from kb.views.zones import reader_zone, remember_zone

#: The query keys of the filters (the feed calls `type` `kind`).
FILTERS = ("country", "type", "element")
FIRST_YEAR, LAST_YEAR = CALENDAR_YEARS


@dataclass
class Item:
    """One thing on the calendar: an event, a dated festival edition, or a festival
    expected in a month whose dates are not known (`usual`)."""

    kind: str  # event, edition, usual
    title: dict
    url: str
    type_label: str
    place: str | None = None
    year: int | None = None  # of a festival edition
    days: list[date] = field(default_factory=list)  # in the reader's zone
    hours: dict = field(default_factory=dict)  # day -> (reader's hours, event's hours)
    zone: str | None = None  # the event's zone, where it has hours
    how_often: str | None = None  # a festival's periodicity, where its dates are not known

    @property
    def first(self) -> date | None:
        """The first day (in the reader's zone)."""
        return self.days[0] if self.days else None


def _text(value) -> str | None:
    loc = pick(value)
    return loc.text if loc else None


def _event_item(event: Event, reader: str) -> Item:
    item = Item(
        "event",
        event.title,
        url_for("pages.event", slug=event.slug),
        labels.label("event_kind", event.kind),
        place=_text(event.venue) or (_("Online") if event.online else None),
    )
    rows = list(event.days)
    for i, last, stretch in stretches(rows):
        if stretch:  # an evening past midnight: on each date it touches
            _add_stretch(item, event, rows[i], rows[last], reader)
            continue
        day = rows[i]
        start, end = timeview.day_block(day, reader)
        moment = start or end
        shown = in_zone(moment, reader).date() if moment else day.day
        item.days.append(shown)
        if moment:
            item.zone = event.timezone
            item.hours[shown] = (
                timeview.day_hours(day, reader),
                timeview.day_hours(day, event.timezone),
            )
    if not event.days:  # an event saved before days existed: its dates, all day
        last = event.end_date or event.start_date
        item.days = [
            event.start_date + timedelta(n) for n in range((last - event.start_date).days + 1)
        ]
    item.days.sort()
    return item


def _add_stretch(item: Item, event: Event, first, last, reader: str) -> None:
    """A stretch from its first day's start to its last day's end, once per date (in the
    reader's zone) it runs on, with both ends said."""
    start, end = timeview.day_block(first, reader)[0], timeview.day_block(last, reader)[1]
    hours = (
        timeview.stretch_hours(first, last, reader),
        timeview.stretch_hours(first, last, event.timezone),
    )
    item.zone = event.timezone
    shown = in_zone(start, reader).date()
    while shown <= in_zone(end - timedelta(microseconds=1), reader).date():
        item.days.append(shown)
        item.hours[shown] = hours
        shown += timedelta(days=1)


def _place(edition: FestivalEdition) -> str | None:
    city = _text(edition.city) or _text(edition.festival.city)
    countries = [edition.country] if edition.country else edition.festival.countries
    names = [_text(c.name) or c.code for c in countries]
    return ", ".join(part for part in (city, ", ".join(names)) if part) or None


def _edition_item(edition: FestivalEdition) -> Item:
    last = edition.end_date or edition.start_date
    span = (last - edition.start_date).days + 1
    return Item(
        "edition",
        edition.festival.name,
        url_for("pages.record", collection="festivals", slug=edition.festival.slug),
        labels.label("event_kind", agenda.FESTIVAL_KIND),
        place=_place(edition),
        year=edition.year,
        days=[edition.start_date + timedelta(n) for n in range(min(span, 366))],
    )


def _usual_item(usual: agenda.Usual) -> Item:
    festival = usual.festival
    city = _text(festival.city)
    return Item(
        "usual",
        festival.name,
        url_for("pages.record", collection="festivals", slug=festival.slug),
        labels.label("event_kind", agenda.FESTIVAL_KIND),
        place=city,
        year=usual.edition.year if usual.edition else None,
        how_often=labels.label("periodicity", festival.periodicity)
        if festival.periodicity
        else None,
    )


def _items(first: date, last: date, f: agenda.Filters, reader: str) -> list[Item]:
    """Events and dated editions with a day (in the reader's zone) from `first` to `last`."""
    # A day's hours may fall on the day before or after in the reader's zone.
    margin = timedelta(days=1)
    events = agenda.events_between(first - margin, last + margin, f)
    items = [_event_item(e, reader) for e in events]
    items += [_edition_item(e) for e in agenda.editions_between(first, last, f)]
    items = [i for i in items if any(first <= d <= last for d in i.days)]
    return sorted(
        items, key=lambda i: (next(d for d in i.days if d >= first), _text(i.title) or "")
    )


def _args() -> tuple[dict, dict]:
    given = {k: v for k, v in request.args.items() if v}
    try:
        return CalendarPageArgs().load(given), {}
    except ValidationError as exc:
        return {}, messages.translate(exc.messages)


def _choices() -> dict:
    countries = [(c.code, _text(c.name) or c.code) for c in agenda.countries()]
    elements = [(e.slug, _text(e.name) or e.slug) for e in agenda.elements()]
    return {
        "country": sorted(countries, key=lambda p: p[1].lower()),
        "type": [(k, labels.label("event_kind", k)) for k in EVENT_KINDS],
        "element": sorted(elements, key=lambda p: p[1].lower()),
    }


def _weeks(year: int, month: int) -> list[list[date]]:
    first_weekday = Locale.parse(current_language()).first_week_day
    return stdlib_calendar.Calendar(first_weekday).monthdatescalendar(year, month)


def _weekdays(weeks) -> list[tuple[str, str]]:
    """The column heads: (short name, full name), in the order of the locale's week."""
    short = get_day_names("abbreviated", locale=current_language())
    wide = get_day_names("wide", locale=current_language())
    return [(short[d.weekday()], wide[d.weekday()]) for d in weeks[0]]


def _month_end(year: int, month: int) -> date:
    return date(year, month, stdlib_calendar.monthrange(year, month)[1])


def _shift(year: int, month: int, by: int) -> tuple[int, int] | None:
    index = year * 12 + month - 1 + by
    shifted = (index // 12, index % 12 + 1)
    return shifted if FIRST_YEAR <= shifted[0] <= LAST_YEAR else None


def _page_url(chosen: dict, **view) -> str:
    return url_for("pages.calendar", **{**chosen, **view})


def feed_url(chosen: dict) -> str:
    """The `.ics` feed with the calendar's filters, festival editions included."""
    args = {k: v for k, v in chosen.items() if k in FILTERS}
    if "type" in args:
        args["kind"] = args.pop("type")
    return absolute_url(
        "calendars.all_events_calendar", festivals=1, lang=current_language(), **args
    )


@bp.get("/calendar", endpoint="calendar")
def calendar_page():
    """A month of the network's calendar (this one by default), or a year."""
    args, errors = _args()
    reader, known = reader_zone()
    today = today_in(reader)
    year = args.get("year", today.year)
    month = args.get("month") if "year" in args else args.get("month", today.month)
    f = agenda.Filters(args.get("country"), args.get("type"), args.get("element"))
    chosen = {k: str(v) for k, v in request.args.items() if v and k in (*FILTERS, "tz")}
    kept = {k: v for k, v in chosen.items() if not errors.get(k)}
    context = {
        "year": year,
        "month": month,
        "reader": reader,
        "reader_known": known,
        # A short choice (the reader's zone and UTC); every zone is on the time-zone
        # page linked beside it, so the calendar does not carry 420 options.
        "zones": [(z, timeview.zone_option(z)) for z in dict.fromkeys([reader, "UTC"])],
        "other_zones": url_for(
            "pages.time_zone",
            next=_page_url(
                {k: v for k, v in kept.items() if k != "tz"},
                **{k: args[k] for k in ("year", "month") if k in args},
            ),
        ),
        "today": today,
        "choices": _choices(),
        "chosen": chosen,
        "errors": errors,
        "feed": None if errors else feed_url(kept),
        "page_url": lambda **view: _page_url(kept, **view),
    }
    if errors:
        return render_template("calendar/calendar.html", view="error", **context), 400
    if month:
        first, last = date(year, month, 1), _month_end(year, month)
        items = _items(first, last, f, reader)
        by_day: dict[date, list] = {}
        for item in items:
            for day in item.days:
                if first <= day <= last:
                    by_day.setdefault(day, []).append(item)
        weeks = _weeks(year, month)
        page = render_template(
            "calendar/calendar.html",
            view="month",
            weeks=weeks,
            weekdays=_weekdays(weeks),
            by_day=dict(sorted(by_day.items())),
            usual=[_usual_item(u) for u in agenda.usual_in(year, [month], f)],
            previous=_shift(year, month, -1),
            next=_shift(year, month, 1),
            **context,
        )
    else:
        items = _items(date(year, 1, 1), date(year, 12, 31), f, reader)
        months = {m: [] for m in range(1, 13)}
        for item in items:
            for m in sorted({d.month for d in item.days if d.year == year}):
                months[m].append(item)
        usual = {m: [] for m in range(1, 13)}
        for u in agenda.usual_in(year, range(1, 13), f):
            usual[u.month].append(_usual_item(u))
        page = render_template(
            "calendar/calendar.html",
            view="year",
            months=months,
            usual=usual,
            previous=year - 1 if year > FIRST_YEAR else None,
            next=year + 1 if year < LAST_YEAR else None,
            **context,
        )
    return remember_zone(page)


@bp.app_template_global("calendar_url_for")
def calendar_url_for(record) -> str | None:
    """The calendar's month of an event, or of a festival's latest dated edition (else of
    its usual month this year); None for a festival the calendar cannot place."""
    if isinstance(record, Event):
        return url_for("pages.calendar", year=record.start_date.year, month=record.start_date.month)
    dated = [e.start_date for e in record.editions if e.start_date]
    if dated:
        latest = max(dated)
        return url_for("pages.calendar", year=latest.year, month=latest.month)
    if record.usual_months:
        year = today_year()
        return url_for("pages.calendar", year=year, month=min(int(m) for m in record.usual_months))
    return None


@bp.app_template_global("today_year")
def today_year() -> int:
    """This year (UTC): the year view a record page links to. Not the reader's zone: a
    record page is kept and validated per UTC day for every anonymous reader alike
    (kb.httpcache), so nothing on it may depend on the zone cookie."""
    return today_in("UTC").year
