"""Registering for events: when registration is open, duplicates, capacity, cancelling.

By default registration is open from publication until the event starts, with no limit;
an event's `registration` settings may open it later, close it earlier or cap it.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from kb.extensions import db
from kb.mail.events import queue_confirmation
from kb.models import Event, Registration
from kb.models.base import utcnow
from kb.services.accounts import normalize_email
from kb.services.common import ServiceError
from kb.tz import start_of

#: Registration states an event can be in, as the API names them.
OPEN, NOT_OPEN_YET, CLOSED, FULL = "open", "not_open_yet", "closed", "full"


def event_start(event: Event) -> datetime:
    """When the event starts: its start time, or the start of its first day in its zone."""
    if event.starts_at:
        return event.starts_at
    return start_of(event.start_date, event.timezone)


def closes_at(event: Event) -> datetime:
    """When registration closes: as set, or when the event starts."""
    return event.registration_closes_at or event_start(event)


def confirmed_count(event: Event) -> int:
    """How many registrations for `event` stand."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Registration)
        .where(Registration.event_id == event.id, Registration.status == "confirmed")
    )


def registration_state(
    event: Event, now: datetime | None = None, confirmed: int | None = None
) -> str:
    """`open`, `not_open_yet`, `closed` or `full` (a draft is `not_open_yet`);
    `confirmed` is `confirmed_count(event)` when the caller has it already."""
    now = now or utcnow()
    if not event.is_published or (
        event.registration_opens_at and now < event.registration_opens_at
    ):
        return NOT_OPEN_YET
    if now >= closes_at(event):
        return CLOSED
    capacity = event.registration_capacity
    if capacity is not None:
        if confirmed is None:
            confirmed = confirmed_count(event)
        if confirmed >= capacity:
            return FULL
    return OPEN


def registration_and_places(event: Event, now: datetime | None = None) -> tuple[str, int | None]:
    """The registration state and the places left (None: no limit), with one count at
    most (`event` may be an `events.EventFacts`: only its times and id are read)."""
    capacity = event.registration_capacity
    if capacity is None:
        return registration_state(event, now), None
    confirmed = confirmed_count(event)
    return registration_state(event, now, confirmed), max(0, capacity - confirmed)


def _refusal(state: str) -> ServiceError:
    messages = {
        NOT_OPEN_YET: _("Registration for this event is not open yet."),
        CLOSED: _("Registration for this event is closed."),
        FULL: _("This event is full: no places are left."),
    }
    return ServiceError(None, messages[state], code=f"registration_{state}")


def register(event: Event, data: dict) -> Registration:
    """Register a person (data as RegistrationSchema loads it) and queue the confirmation.

    The event's row is locked, so two people cannot take the last place at once.
    Refuses with code `registration_not_open_yet`, `registration_closed`,
    `registration_full` or `already_registered`. Flushes; never commits.
    """
    db.session.execute(sa.select(Event.id).where(Event.id == event.id).with_for_update())
    state = registration_state(event)
    if state != OPEN:
        raise _refusal(state)
    email = normalize_email(data["email"]).lower()
    registration = db.session.scalar(
        sa.select(Registration).where(
            Registration.event_id == event.id, Registration.email == email
        )
    )
    if registration is not None and registration.is_confirmed:
        raise ServiceError(
            "email",
            _("This e-mail address is already registered for this event."),
            code="already_registered",
        )
    if registration is None:
        registration = Registration(event=event, email=email)
        db.session.add(registration)
    registration.name = data["name"].strip()
    registration.organization = (data.get("organization") or "").strip() or None
    registration.country = data.get("country")
    registration.language = data["language"]
    registration.timezone = data.get("timezone")
    registration.consented_at = utcnow()
    registration.status, registration.cancelled_at = "confirmed", None
    # Registering again counts as holding no links: the current ones go out again.
    registration.links_version = None
    db.session.flush()
    queue_confirmation(registration)
    return registration


def cancel(registration: Registration) -> bool:
    """Cancel a registration; False if it was cancelled already."""
    if not registration.is_confirmed:
        return False
    registration.status, registration.cancelled_at = "cancelled", utcnow()
    db.session.flush()
    return True


def registrations_of(event: Event) -> list[Registration]:
    """Every registration for `event`, oldest first (for its organisers only)."""
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.event_id == event.id)
            .order_by(Registration.created_at, Registration.id)
        )
    )
