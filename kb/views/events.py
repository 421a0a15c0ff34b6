"""An event's page (programme in two zones), registration, cancellation, calendar files."""

from __future__ import annotations

import sqlalchemy as sa
from babel import Locale
from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError

from kb import calendars as calendars_module
from kb import httpcache, labels
from kb.calendars import calendar
from kb.cancellation import registration_for_token
from kb.extensions import db, limiter
from kb.forms.fields import options, zone_options
from kb.forms.registrations import ConfirmForm, RegistrationForm
from kb.i18n import LANGUAGES, current_language, pick
from kb.models import Country, Element, Event
from kb.programme import programme, session_states, zones_differ
from kb.ratelimits import setting
from kb.schemas.args import CalendarArgs
from kb.schemas.registrations import RegistrationSchema, country_codes
from kb.services import agenda, heritage
from kb.services import registrations as regs
from kb.services.events import event_state, get_event, list_events, published_event_facts
from kb.services.organizing import can_manage
from kb.timeview import valid_zone, zone_option
from kb.views import bp
from kb.views.forms import save_or_refuse
from kb.views.zones import keep_zone, reader_zone

calendars = Blueprint("calendars", __name__)


def registration_limit():
    """Registrations one client address may send, pages and API together
    (KB_RATELIMIT_REGISTRATION, see kb/ratelimits.py)."""
    return limiter.shared_limit(
        setting("RATELIMIT_REGISTRATION"),
        scope="event-registration",
        methods=["POST"],
    )


def visible_event(slug: str) -> Event:
    """A published event, or a draft its managers may preview; 404 otherwise."""
    event = get_event(slug, include_unpublished=True)
    if not event.is_published and not can_manage(current_user, event):
        abort(404)
    return event


def _remember_zone(response):
    chosen = valid_zone(request.args.get("tz"))
    if chosen:
        # An answer that sets a cookie is this reader's alone.
        if response.headers.get("Cache-Control", "").startswith("public"):
            response.headers["Cache-Control"] = "private, no-cache"
        keep_zone(response, chosen)
    return response


@bp.get("/events/<slug>")
def event(slug: str):
    """An event: facts, programme with times in the event's zone and the reader's."""
    # For an anonymous reader, what the page depends on (its state, registration and
    # places left) comes from the event's times, kept per version of the data, and one
    # count of registrations (they change no version), so that a repeated request loads
    # nothing else (kb/httpcache.py). Anyone else, or an address with no published
    # event, gets the event itself (a draft to its managers; 404 to everyone else).
    item = None
    facts = published_event_facts(slug) if httpcache.anonymous() else None
    if facts is None:
        item = facts = visible_event(slug)
    zone, known = reader_zone(facts.timezone)
    state = event_state(facts)
    registration, places = regs.registration_and_places(facts)
    manager = item is not None and can_manage(current_user, item)

    def render():
        shown = item or visible_event(slug)
        page = render_template(
            "records/event.html",
            item=shown,
            state=state,
            reader=zone,
            reader_known=known,
            differ=zones_differ(shown, zone),
            days=programme(shown, zone),
            zones=_short_zones(shown, zone),
            registration_state=registration,
            places_left=places,
            manager=manager,
        )
        return page, shown.updated_at

    # The sessions' states too: "ongoing" and "past" move with the clock within a day.
    parts = ("events", zone, known, state, session_states(facts), registration, places, manager)
    return _remember_zone(httpcache.conditional(render, *parts, dated=False))


def _short_zones(event: Event, reader: str) -> list[tuple[str, str]]:
    """The event page's own short choice of zones: the reader's, the event's and UTC
    (every other zone is on the time-zone page it links to)."""
    zones = dict.fromkeys([reader, valid_zone(event.timezone) or "UTC", "UTC"])
    return [(z, zone_option(z, event.starts_at)) for z in zones]


def _countries() -> list[tuple[str, str]]:
    names = Locale.parse(current_language()).territories
    pairs = sorted(((c, names.get(c, c)) for c in country_codes()), key=lambda p: p[1])
    return [("", _("Choose a country"))] + pairs


@bp.route("/events/<slug>/register", methods=["GET", "POST"])
@registration_limit()
def register(slug: str):
    """The registration form; a registration is confirmed at once, by e-mail."""
    item = visible_event(slug)
    form = RegistrationForm()
    form.country.choices = options(_countries())
    form.timezone.choices = zone_options()
    if request.method == "GET":
        form.language.data = current_language()
        form.timezone.data = reader_zone(item.timezone)[0]
    state = regs.registration_state(item)
    if state == regs.OPEN and form.validate_on_submit():
        if save_or_refuse(
            form, lambda: regs.register(item, RegistrationSchema().load(form.to_data()))
        ):
            return redirect(url_for("pages.registered", slug=item.slug))
        state = regs.registration_state(item)  # it may have closed or filled meanwhile
    status = 200 if request.method == "GET" else 422 if state == regs.OPEN else 409
    places = regs.registration_and_places(item)[1]
    return render_template(
        "events/register.html", item=item, form=form, state=state, places_left=places
    ), status


@bp.get("/events/<slug>/registered")
def registered(slug: str):
    """Thanks, and what happens next."""
    return render_template("events/registered.html", item=visible_event(slug))


@bp.route("/registrations/<token>/cancel", methods=["GET", "POST"])
def cancel_registration(token: str):
    """Cancel a registration from the link in the confirmation e-mail (asks first)."""
    registration = registration_for_token(token)
    if registration is None:
        abort(404)
    form = ConfirmForm()
    done = False
    if form.validate_on_submit():
        regs.cancel(registration)
        db.session.commit()
        done = True
    return render_template(
        "events/cancel.html",
        registration=registration,
        item=registration.event,
        form=form,
        done=done or not registration.is_confirmed,
        can_register_again=regs.registration_state(registration.event) == regs.OPEN,
    )


def _ics(events: list[Event], name: str, filename: str, editions=()) -> Response:
    body = calendar(events, current_language(), name, list(editions))
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return _feed(response)


def _feed(response: Response) -> Response:
    """A calendar file's lifetimes: a feed (calendar apps poll it), reused for a minute.
    Without `?lang=` its language was the browser's, so shared caches must key on it."""
    if request.args.get("lang") not in LANGUAGES:
        response.vary.add("Accept-Language")
    return httpcache.short_lived(response)


@calendars.get("/events/<slug>.ics")
def event_calendar(slug: str):
    """One published event with its sessions, as an iCalendar file."""
    item = get_event(slug)
    return _ics([item], pick(item.title).text, f"{item.slug}.ics")


@calendars.get("/events.ics")
def all_events_calendar():
    """Published events, as one iCalendar file to subscribe to.

    `?country=UZ`, `?kind=webinar` and `?language=ko` narrow it (a feed per country or
    kind of event, linked from those pages); `?festivals=1` adds the dated editions of
    festivals, and `?element=` keeps those presenting an element (what the calendar page
    shows, kb/services/agenda.py); a bad value is refused (400).
    """
    try:
        filters = CalendarArgs().load(request.args)
    except ValidationError as exc:
        return Response(
            "\n".join(f"{k}: {' '.join(map(str, v))}" for k, v in exc.messages.items()) + "\n",
            status=400,
            mimetype="text/plain",
        )
    wanted = agenda.Filters(
        filters.get("country"), filters.get("kind"), filters.get("element"), filters.get("language")
    )
    items, page = [], 1
    while wanted.events:
        batch = list_events(
            **{k: filters[k] for k in ("country", "kind", "language") if k in filters},
            page=page,
            per_page=100,
        )
        items += batch.items
        if not batch.has_next:
            break
        page += 1
    editions = agenda.feed_editions(wanted) if filters["festivals"] else []
    name = _("Silk Roads ICH Network events")
    if filters.get("country"):
        country = db.session.scalar(sa.select(Country).where(Country.code == filters["country"]))
        name = f"{name}: {pick(country.name).text}" if country and country.name else name
    if filters.get("kind"):
        name = f"{name}: {labels.label('event_kind', filters['kind'])}"
    if filters.get("element"):
        element = db.session.scalar(sa.select(Element).where(Element.slug == filters["element"]))
        name = f"{name}: {pick(element.name).text}" if element and element.name else name
    return _ics(items, name, "events.ics", editions)


@calendars.get("/festivals/<slug>.ics")
def festival_calendar(slug: str):
    """A published festival's dated editions, as an iCalendar file."""
    item = heritage.get_festival(slug)
    body = calendars_module.festival_calendar(item, current_language())
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{item.slug}.ics"'
    return _feed(response)
