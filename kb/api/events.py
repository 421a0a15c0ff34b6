"""Events in the API: reading one (drafts for its managers), organisers' writes, registering.

`join_url` (on an event and on its sessions) is write-only: answers never carry it.
A registration's answer never carries the e-mail address either.
"""

from __future__ import annotations

from flask import jsonify, url_for
from flask_babel import gettext as _

from kb.api import bp, json_body
from kb.api.docs import describe_events
from kb.auth import api_account, require_api
from kb.errors import error_json
from kb.extensions import db
from kb.models import Event
from kb.schemas.events import EventDetailSchema
from kb.schemas.records import EventSchema
from kb.schemas.registrations import RegistrationSchema
from kb.schemas.shape import own_shape
from kb.services import organizing
from kb.services.common import unique_slug
from kb.services.events import get_event
from kb.services.payloads import slugify
from kb.services.registrations import register
from kb.views.events import registration_limit


def _managed(slug: str):
    """The event if the caller manages it; a JSON 403 answer otherwise."""
    event = get_event(slug, include_unpublished=True)
    if not organizing.can_manage(api_account(), event):
        return None, error_json(403, "forbidden", _("Your account may not manage this event."))
    return event, None


@bp.get("/events/<slug>")
def event_detail(slug: str):
    """One event with its sessions and registration state (a draft only for its managers)."""
    event = get_event(slug, include_unpublished=True)
    if not event.is_published and not organizing.can_manage(api_account(), event):
        return error_json(404, "not_found", _("Not found."))
    return jsonify(EventDetailSchema().dump(event))


@bp.post("/events")
@require_api("organizer")
def create_event():
    """Create a draft event from a body in the shape of an answer (sessions included).

    Read-only keys (those of an answer) are ignored; without a `slug`, one is made from
    the English title (made unique).
    """
    body = own_shape(json_body(), EventDetailSchema(), None)
    if not body.get("slug"):
        title = body.get("title") if isinstance(body.get("title"), dict) else None
        body["slug"] = unique_slug(Event, slugify(title, "event"))
    event = organizing.create_event(EventSchema().load(body), api_account())
    db.session.commit()
    response = jsonify(EventDetailSchema().dump(event))
    response.status_code = 201
    response.headers["Location"] = url_for("api.event_detail", slug=event.slug)
    return response


@bp.patch("/events/<slug>")
@require_api("organizer")
def update_event(slug: str):
    """Change the fields given; `sessions`, when given, replaces the programme.

    The body may be a whole answer (GET) with some fields changed: read-only keys are
    accepted when unchanged and refused when changed.
    """
    event, refused = _managed(slug)
    if refused:
        return refused
    body = own_shape(json_body(), EventDetailSchema(), EventDetailSchema().dump(event))
    organizing.update_event(event, EventSchema().load(body, partial=True), api_account())
    db.session.commit()
    return jsonify(EventDetailSchema().dump(event))


@bp.post("/events/<slug>/publish")
@require_api("organizer")
def publish_event(slug: str):
    """Publish a draft (no change if it is published already)."""
    event, refused = _managed(slug)
    if refused:
        return refused
    organizing.publish_event(event, api_account())
    db.session.commit()
    return jsonify(EventDetailSchema().dump(event))


@bp.post("/events/<slug>/registrations")
@registration_limit()
def create_registration(slug: str):
    """Register for a published event; a confirmation e-mail follows."""
    event = get_event(slug)
    data = RegistrationSchema().load(json_body())
    registration = register(event, data)
    db.session.commit()
    response = jsonify(RegistrationSchema().dump(registration))
    response.status_code = 201
    return response


describe_events()
