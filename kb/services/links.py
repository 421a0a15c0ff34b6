"""Joining links: e-mailed to every confirmed registrant once per version of the links.

The links of an event have a version, the fingerprint of their addresses. A registrant
who holds no links gets them once the event starts within the window; one who holds an
older version (the organiser changed a link after sending) gets the current ones at the
next run, whatever the window, in an e-mail that says they replace the earlier ones.
Someone who cancels gets nothing more; registering again counts as holding no links.

`queue_links` puts each e-mail in the outbox under a key of its own
(`registration:<id>:links`, then `…:links:2`, `…:links:3`) and marks the registration
with the version in the same transaction; each registration is committed on its own. A
run that dies half-way has committed some registrations and not others; the next run
queues only the others, and the outbox's key refuses a second message for the same one.
"""

from __future__ import annotations

import hashlib
import json
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
    #: Of those, how many replaced links sent earlier.
    replaced: int = 0
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


def links_version(links: dict) -> str:
    """The fingerprint of a set of links: changes when any address changes, not the order."""
    sessions = sorted([item["session"], item["url"]] for item in links.get("sessions", []))
    body = {"event": links.get("event") or None, "sessions": sessions}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def event_end(event: Event) -> datetime:
    """When the event is over: its end time, or midnight after its last day in its zone."""
    if event.ends_at:
        return event.ends_at
    last = event.end_date or event.start_date
    return start_of(next_day(last), event.timezone)


def events_due(now: datetime, within_hours: float | None, slug: str | None = None) -> list:
    """Published events not yet over, each with whether it starts within the window.

    With `slug` and no window, the named event counts as within it whenever it is not over.
    Events outside the window are listed too: links sent early that change since are
    replaced at once.
    """
    if slug:
        candidates = [get_event(slug)]
    else:
        last_day = sa.func.coalesce(Event.end_date, Event.start_date)
        candidates = db.session.scalars(
            sa.select(Event)
            .where(Event.status == "published", last_day >= (now - timedelta(days=1)).date())
            .order_by(Event.id)
        ).all()
    if within_hours is None and not slug:
        within_hours = current_app.config["EVENT_LINKS_WINDOW_HOURS"]
    horizon = now + timedelta(hours=within_hours) if within_hours is not None else None
    return [
        (e, horizon is None or event_start(e) <= horizon) for e in candidates if event_end(e) > now
    ]


def pending(event: Event, version: str, *, first_too: bool) -> list[int]:
    """Ids of confirmed registrations of `event` that do not hold links of `version`.

    Without `first_too`, only those holding an older version (the replacements).
    """
    query = sa.select(Registration.id).where(
        Registration.event_id == event.id,
        Registration.status == "confirmed",
        sa.or_(Registration.links_version.is_(None), Registration.links_version != version),
    )
    if not first_too:
        query = query.where(Registration.links_version.is_not(None))
    return list(db.session.scalars(query.order_by(Registration.id)))


def queue_links(
    *, slug: str | None = None, within_hours: float | None = None, now: datetime | None = None
) -> LinksReport:
    """Queue the links e-mail for every registrant due one; commits per registration."""
    now = now or utcnow()
    report = LinksReport()
    for event, within in events_due(now, within_hours, slug):
        links = event_links(event)
        if links is None:
            if within:
                report.without_links.append(event.slug)
            continue
        version = links_version(links)
        due = pending(event, version, first_too=within)
        if within or due:
            report.events.append(event.slug)
        for registration_id in due:
            registration = db.session.get(
                Registration, registration_id, with_for_update=True, populate_existing=True
            )
            if not registration.is_confirmed or registration.links_version == version:
                db.session.rollback()  # cancelled meanwhile, or another run got there first
                continue
            replaces = registration.links_version is not None
            number = registration.links_count + 1
            key = queue_links_mail(registration, links, number=number, replaces=replaces)
            registration.links_sent_at, registration.links_count = now, number
            registration.links_version = version
            registration.links_sent = {**links, "key": key, "version": version}
            db.session.commit()
            report.queued += 1
            report.replaced += replaces
    return report
