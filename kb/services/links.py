"""Joining links: e-mailed once to every confirmed registrant before the event starts.

`queue_links` puts one e-mail per registration in the outbox, keyed
`registration:<id>:links`, and marks the registration in the same transaction; each
registration is committed on its own. A run that dies half-way has committed some
registrations (mail queued and marked) and not others; the next run queues only the
others, and the outbox's key refuses a second message for the same registration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from kb.extensions import db
from kb.mail.events import queue_links_mail
from kb.models import Event, Registration
from kb.models.base import utcnow
from kb.services.events import get_event
from kb.services.registrations import event_start
from kb.tz import next_day, start_of


@dataclass
class LinksReport:
    """What one run did: registrations whose links were queued, events without links."""

    queued: int = 0
    events: list[str] = field(default_factory=list)
    without_links: list[str] = field(default_factory=list)


def event_links(event: Event) -> dict | None:
    """The event's joining links, `{"event": url, "sessions": [{"session", "url"}]}`; or None.

    A session is named by its lasting id, so a link still finds its session after the
    programme is reordered.
    """
    sessions = [{"session": s.uid, "url": s.join_url} for s in event.sessions if s.join_url]
    if not event.join_url and not sessions:
        return None
    return {"event": event.join_url, "sessions": sessions}


def event_end(event: Event) -> datetime:
    """When the event is over: its end time, or midnight after its last day in its zone."""
    if event.ends_at:
        return event.ends_at
    last = event.end_date or event.start_date
    return start_of(next_day(last), event.timezone)


def events_due(now: datetime, within_hours: float | None, slug: str | None = None) -> list[Event]:
    """Published events not yet over that start within the window (or the one named).

    With `slug` and no window, the named event is due whenever it is not over.
    """
    if slug:
        candidates = [get_event(slug)]
    else:
        last_day = sa.func.coalesce(Event.end_date, Event.start_date)
        candidates = db.session.scalars(
            sa.select(Event).where(
                Event.status == "published", last_day >= (now - timedelta(days=1)).date()
            )
        ).all()
    if within_hours is None and not slug:
        within_hours = current_app.config["EVENT_LINKS_WINDOW_HOURS"]
    horizon = now + timedelta(hours=within_hours) if within_hours is not None else None
    return [
        e
        for e in candidates
        if event_end(e) > now and (horizon is None or event_start(e) <= horizon)
    ]


def pending(event: Event) -> list[int]:
    """Ids of confirmed registrations of `event` whose links have not been e-mailed."""
    return list(
        db.session.scalars(
            sa.select(Registration.id)
            .where(
                Registration.event_id == event.id,
                Registration.status == "confirmed",
                Registration.links_sent_at.is_(None),
            )
            .order_by(Registration.id)
        )
    )


def queue_links(
    *, slug: str | None = None, within_hours: float | None = None, now: datetime | None = None
) -> LinksReport:
    """Queue the links e-mail for every registrant due one; commits per registration."""
    now = now or utcnow()
    report = LinksReport()
    for event in events_due(now, within_hours, slug):
        links = event_links(event)
        if links is None:
            report.without_links.append(event.slug)
            continue
        report.events.append(event.slug)
        for registration_id in pending(event):
            registration = db.session.get(Registration, registration_id, with_for_update=True)
            if registration.links_sent_at is not None:  # another run got there first
                db.session.rollback()
                continue
            key = queue_links_mail(registration, links)
            registration.links_sent_at = now
            registration.links_sent = {**links, "key": key}
            db.session.commit()
            report.queued += 1
    return report
