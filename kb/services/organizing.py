"""Organising events: who may manage an event, creating drafts, editing, publishing.

Who manages an event: admins every event; an account with the `organizer` role the
events it created, and the events in which its organisation has the part of
organiser, co-organiser or host. Supporters and collaborators do not manage.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from kb.extensions import db
from kb.models import Account, Event, EventOrganization, Revision
from kb.schemas.records import EventSchema, check_coordinates, check_event_times
from kb.services.common import ServiceError, slug_conflict, slug_taken
from kb.services.events import save_event
from kb.services.records import Actor, canonical

#: The parts in an event that let an organisation's organisers manage it.
MANAGING_ROLES = ("organizer", "co-organizer", "host")
#: Fields whose change recomputes the event's days, unless the days are given too.
TIME_FIELDS = ("starts_at", "ends_at", "timezone")


def _SLUG_TAKEN() -> str:  # noqa: N802  (a message, translated when asked)
    return _("An event with this slug exists already; choose another.")


def may_organize(account: Account | None) -> bool:
    """Whether the account may create events at all."""
    return bool(account and account.is_active and account.has_role("organizer"))


def can_manage(account: Account | None, event: Event) -> bool:
    """Whether `account` may edit `event`, publish it and see its registrants."""
    if not may_organize(account):
        return False
    if "admin" in account.roles or event.created_by_id == account.id:
        return True
    return account.organization_id is not None and any(
        link.organization_id == account.organization_id and link.role in MANAGING_ROLES
        for link in event.organization_links
    )


def managed_events(account: Account) -> list[Event]:
    """The events `account` may manage, newest first."""
    query = sa.select(Event).order_by(Event.start_date.desc(), Event.id)
    if "admin" not in account.roles:
        ours = sa.select(EventOrganization.event_id).where(
            EventOrganization.organization_id == account.organization_id,
            EventOrganization.role.in_(MANAGING_ROLES),
        )
        query = query.where(sa.or_(Event.created_by_id == account.id, Event.id.in_(ours)))
    return list(db.session.scalars(query))


def create_event(data: dict, account: Account) -> Event:
    """A new draft event from loaded input (EventSchema), created by `account`."""
    if slug_taken(Event, data["slug"]):
        raise ServiceError("slug", _SLUG_TAKEN(), code="exists")
    try:
        event, _changes = save_event(
            data, Actor.of(account), record=Event(status="draft", created_by_id=account.id)
        )
        db.session.flush()
    except IntegrityError as exc:  # another request took the slug since we looked
        conflict = slug_conflict(exc, _SLUG_TAKEN())
        if conflict is None:
            raise
        raise conflict from exc
    return event


def merged_with(event: Event, patch: dict) -> dict:
    """The event's data (private fields included) with `patch` (a partial load) applied.

    A session given without `join_url` keeps the link of the session at its position;
    `join_url: null` removes it. Changed times recompute the days unless they are given.
    """
    data = canonical(EventSchema(), event)
    if "sessions" in patch:
        old = data.get("sessions") or []
        for i, session in enumerate(patch["sessions"]):
            if "join_url" not in session and i < len(old):
                session["join_url"] = old[i].get("join_url")
    if any(key in patch for key in TIME_FIELDS):
        for key in ("start_date", "end_date"):
            if key not in patch:
                data.pop(key, None)
    data.update(patch)
    try:
        check_event_times(data)
        check_coordinates(data)
    except ValidationError as exc:  # name the field, as a schema load would
        raise ValidationError({exc.field_name: exc.messages}) from exc
    return data


def update_event(event: Event, patch: dict, account: Account) -> dict:
    """Apply a partial change to `event`; returns the changes (empty if none)."""
    if "slug" in patch and patch["slug"] != event.slug and slug_taken(Event, patch["slug"]):
        raise ServiceError("slug", _SLUG_TAKEN(), code="exists")
    try:
        _event, changes = save_event(merged_with(event, patch), Actor.of(account), record=event)
        db.session.flush()
    except IntegrityError as exc:
        conflict = slug_conflict(exc, _SLUG_TAKEN())
        if conflict is None:
            raise
        raise conflict from exc
    return changes


def set_session(event: Event, position: int | None, session: dict, account: Account) -> None:
    """Replace the session at `position` (append when None) with `session` (as loaded)."""
    sessions = canonical(EventSchema(), event).get("sessions") or []
    if position is None:
        sessions.append(session)
    else:
        sessions[position] = session
    update_event(event, {"sessions": sessions}, account)


def remove_session(event: Event, position: int, account: Account) -> None:
    """Remove the session at `position` from the programme."""
    sessions = canonical(EventSchema(), event).get("sessions") or []
    del sessions[position]
    update_event(event, {"sessions": sessions}, account)


def publish_event(event: Event, account: Account) -> bool:
    """Make a draft public (registration opens then, unless set otherwise); False if it was.

    A conditional UPDATE on the status (PostgreSQL locks the row until the commit): of
    two publications at once, the second waits, matches nothing and changes nothing, so
    the event gets one "publish" revision.
    """
    before = event.status
    if before == "published":
        return False
    result = db.session.execute(
        sa.update(Event)
        .where(Event.id == event.id, Event.status != "published")
        .values(status="published")
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(event)
    if result.rowcount != 1:
        return False
    db.session.add(
        Revision(
            record_type="event",
            record_id=event.id,
            action="publish",
            account_id=account.id,
            actor=account.email,
            changes={"status": [before, "published"]},
        )
    )
    db.session.flush()
    return True
