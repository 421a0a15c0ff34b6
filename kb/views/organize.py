"""Organiser pages: an organiser's events, the event and session forms, publishing."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from kb.extensions import db
from kb.forms.events import (
    SPARE_DAYS,
    EventForm,
    SessionForm,
    parse_speakers,
    presented_text,
    speakers_text,
)
from kb.forms.fields import fill_lang, options, wall_clock, zone_options
from kb.forms.registrations import ConfirmForm
from kb.i18n import current_language, pick
from kb.models import Event, Organization
from kb.schemas.records import EventSchema, SessionSchema
from kb.services import organizing
from kb.services.events import get_event
from kb.services.records import canonical
from kb.timeview import valid_zone
from kb.tz import country_zone
from kb.views import bp
from kb.views.forms import save_or_refuse
from kb.views.zones import reader_zone

#: Where the API's event fields show in the event form.
EVENT_FIELDS = {
    "title": "title_en",
    "summary": "summary_en",
    "description": "description_en",
    "venue": "venue_en",
    "organizations": "organizers",
    "registration.opens_at": "registration_opens_at",
    "registration.closes_at": "registration_closes_at",
    "registration.capacity": "registration_capacity",
}
SESSION_FIELDS = {"title": "title_en", "description": "description_en"}
#: A refused link names `presented.<n>.record`: it shows on the presented box.
PRESENTED_FIELD = {f"presented.{n}.record": "presented" for n in range(100)}
#: A refused speaker (`speakers.<n>.<key>`) shows on the speakers box.
SPEAKERS_FIELD = {
    f"speakers.{n}.{key}": "speakers"
    for n in range(100)
    for key in ("name", "organization", "affiliation", "role", "note", "transliteration")
}


def organizer():
    """The logged-in account if it may organise events; 401 or 403 otherwise."""
    from kb.auth import login_manager

    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    if not organizing.may_organize(current_user):
        abort(403)
    return current_user._get_current_object()


def managed(slug: str) -> Event:
    """The event with `slug` if the logged-in account manages it; 404 or 403 otherwise."""
    account = organizer()
    event = get_event(slug, include_unpublished=True)
    if not organizing.can_manage(account, event):
        abort(403)
    return event


def default_zone(account) -> str:
    """A new event's zone: its organiser's organisation's country's, else the organiser's
    own (chosen, or from the browser), else UTC."""
    country = account.organization.country if account.organization is not None else None
    return country_zone(country.code if country is not None else None) or reader_zone()[0]


def _event_form(event: Event | None = None) -> EventForm:
    form = EventForm()
    form.timezone.choices = zone_options(event.timezone if event is not None else None)
    orgs = db.session.scalars(
        db.select(Organization).where(Organization.status == "published")
    ).all()
    choices = sorted(((o.slug, str(pick(o.name))) for o in orgs), key=lambda p: p[1].lower())
    for name, _role in EventForm.ROLE_FIELDS:
        form[name].choices = options(choices)
    if event is not None and request.method == "GET":
        _fill_event_form(form, event)
    if request.method == "GET":
        for _spare in range(SPARE_DAYS):
            form.days.append_entry()
    return form


def _fill_event_form(form: EventForm, event: Event) -> None:
    zone = valid_zone(event.timezone) or event.timezone  # an old name reads as the current one
    form.slug.data, form.kind.data, form.timezone.data = event.slug, event.kind, zone
    for prefix in ("title", "summary", "description", "venue"):
        fill_lang(form, prefix, getattr(event, prefix))
    for day in event.days:  # the days decide the span, so its fields stay empty
        form.days.append_entry({"day": day.day, "starts": day.starts, "ends": day.ends})
    form.online.data = {True: "yes", False: "no"}.get(event.online, "")
    form.languages.data = list(event.languages or [])
    for name, role in EventForm.ROLE_FIELDS:
        form[name].data = [
            link.organization.slug for link in event.organization_links if link.role == role
        ]
    form.registration_opens_at.data = wall_clock(event.registration_opens_at, zone)
    form.registration_closes_at.data = wall_clock(event.registration_closes_at, zone)
    form.registration_capacity.data = event.registration_capacity
    form.join_url.data = event.join_url
    # Only the links are read back: the rest of a stored event may hold a value that
    # today's rules refuse (a language key since dropped), which must not break the page.
    links = canonical(EventSchema(only=("presented",)), event).get("presented")
    form.presented.data = presented_text(links or [])


def _kept_links(event: Event) -> list[dict]:
    """Links with roles the form does not edit (collaborators, hosts) stay as they are."""
    edited = {role for _name, role in EventForm.ROLE_FIELDS}
    return [
        {"organization": link.organization.slug, "role": link.role}
        for link in event.organization_links
        if link.role not in edited
    ]


@bp.get("/organize/events/")
def organize_events():
    """The events the logged-in organiser manages."""
    account = organizer()
    return render_template("organize/list.html", events=organizing.managed_events(account))


@bp.route("/organize/events/new", methods=["GET", "POST"])
def new_event():
    """Create an event (a draft until it is published)."""
    account = organizer()
    form = _event_form()
    if request.method == "GET":
        form.languages.data = ["en", "ru", "ko"]
        form.timezone.data = default_zone(account)
    if form.validate_on_submit():
        created = []

        def save():
            created.append(organizing.create_event(EventSchema().load(form.to_data()), account))

        if save_or_refuse(form, save, {**EVENT_FIELDS, **PRESENTED_FIELD}):
            return redirect(url_for("pages.manage_event", slug=created[0].slug))
    status = 422 if request.method == "POST" else 200
    return render_template("organize/event.html", form=form, item=None), status


@bp.route("/organize/events/<slug>", methods=["GET", "POST"])
def manage_event(slug: str):
    """Edit an event; its sessions, publication and registrants are reached from here."""
    event = managed(slug)
    account = current_user._get_current_object()
    form = _event_form(event)
    if form.validate_on_submit():
        data = form.to_data()
        data["organizations"] += _kept_links(event)

        # Partial: what the form does not edit (sessions, topics, sources) stays.
        def save():
            organizing.update_event(event, EventSchema().load(data, partial=True), account)

        if save_or_refuse(form, save, {**EVENT_FIELDS, **PRESENTED_FIELD}):
            return redirect(url_for("pages.manage_event", slug=event.slug, saved=1))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "organize/event.html", form=form, item=event, confirm=ConfirmForm()
    ), status


@bp.post("/organize/events/<slug>/publish")
def publish_event(slug: str):
    """Publish a draft: its page, calendar and registration open to everyone."""
    event = managed(slug)
    if ConfirmForm().validate_on_submit():
        organizing.publish_event(event, current_user._get_current_object())
        db.session.commit()
    return redirect(url_for("pages.manage_event", slug=event.slug))


def _session_of(event: Event, uid: str) -> dict:
    for session in canonical(EventSchema(), event).get("sessions") or []:
        if session.get("uid") == uid:
            return session
    abort(404)


@bp.route("/organize/events/<slug>/sessions/new", methods=["GET", "POST"])
@bp.route("/organize/events/<slug>/sessions/<uid>", methods=["GET", "POST"])
def manage_session(slug: str, uid: str | None = None):
    """Add a session to the programme, or edit one (a session is named by its lasting id)."""
    event = managed(slug)
    current = _session_of(event, uid) if uid is not None else {}
    form = SessionForm()
    if request.method == "GET" and current:
        _fill_session_form(form, current, event.timezone)
    if form.validate_on_submit():
        speakers = parse_speakers(
            form.speakers.data, current_language(), current.get("speakers", [])
        )

        def save():
            session = SessionSchema().load(form.to_data(event.timezone, speakers))
            organizing.set_session(event, uid, session, current_user._get_current_object())

        if save_or_refuse(form, save, {**SESSION_FIELDS, **PRESENTED_FIELD, **SPEAKERS_FIELD}):
            return redirect(url_for("pages.manage_event", slug=event.slug, _anchor="sessions"))
    status = 422 if request.method == "POST" else 200
    return render_template("organize/session.html", form=form, item=event, uid=uid), status


def _fill_session_form(form: SessionForm, session: dict, zone: str) -> None:
    fill_lang(form, "title", session.get("title"))
    fill_lang(form, "description", session.get("description"))
    form.day.data = session.get("day")
    form.starts_at.data = wall_clock(session.get("starts_at"), zone)
    form.ends_at.data = wall_clock(session.get("ends_at"), zone)
    form.speakers.data = speakers_text(session.get("speakers") or [], current_language())
    form.languages.data = list(session.get("languages") or [])
    form.interpretation.data = bool(session.get("interpretation"))
    form.join_url.data = session.get("join_url")
    form.presented.data = presented_text(session.get("presented") or [])


@bp.route("/organize/events/<slug>/sessions/<uid>/remove", methods=["GET", "POST"])
def remove_session(slug: str, uid: str):
    """Remove a session, after the organiser confirms on a page of its own."""
    event = managed(slug)
    session = _session_of(event, uid)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        organizing.remove_session(event, uid, current_user._get_current_object())
        db.session.commit()
        return redirect(url_for("pages.manage_event", slug=event.slug, _anchor="sessions"))
    return render_template(
        "organize/remove_session.html", item=event, session=session, confirm=form
    )


@bp.post("/organize/events/<slug>/sessions/<uid>/move")
def move_session(slug: str, uid: str):
    """Move a session up or down among the sessions that start at the same time."""
    event = managed(slug)
    _session_of(event, uid)
    step = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    account = current_user._get_current_object()
    moved = ConfirmForm().validate_on_submit() and step is not None
    if moved and organizing.move_session(event, uid, step, account):
        db.session.commit()
    return redirect(url_for("pages.manage_event", slug=event.slug, _anchor=f"session-{uid}"))
