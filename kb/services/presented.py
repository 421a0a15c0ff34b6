"""What events and sessions presented: checking and saving the links, and reading them back.

A link names a published record (case study, festival, element or organisation) and a
role (presented, discussed, performed). Each record's page lists the published events
and sessions that link to it.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from kb.extensions import db
from kb.kinds import BY_PRESENTED
from kb.models import (
    PRESENTED_TYPES,
    Event,
    EventSession,
    ProgrammeLink,
)
from kb.services.common import ServiceError, by_slug

#: The model behind each type of link (`Kind.presented_as`).
MODELS = {name: kind.model for name, kind in BY_PRESENTED.items()}


def _record(link: dict):
    record = by_slug(MODELS[link["target_type"]], link["target"])
    return record if record is not None and record.is_published else None


def check_presented(data: dict) -> None:
    """Refuse a link (of the event or of a session) to a record that is not published.

    Checked on the input as given, so the field named is the one the client sent.
    """
    groups = [("presented", data.get("presented") or [])]
    groups += [
        (f"sessions.{i}.presented", session.get("presented") or [])
        for i, session in enumerate(data.get("sessions") or [])
    ]
    for prefix, links in groups:
        for j, link in enumerate(links):
            if _record(link) is None:
                raise ServiceError(
                    f"{prefix}.{j}.record",
                    _(
                        "Nothing in the knowledge base has the slug “%(slug)s”.",
                        slug=link["target"],
                    ),
                )


def programme_links(links: list[dict]) -> list[ProgrammeLink]:
    """Rows for links as loaded (checked before); a repeated link is kept once."""
    rows, seen = [], set()
    for link in links:
        record = _record(link)
        key = (link["target_type"], record.id, link["role"])
        if key in seen:
            continue
        seen.add(key)
        attr = PRESENTED_TYPES[link["target_type"]].removesuffix("_id")
        rows.append(ProgrammeLink(position=len(rows), role=link["role"], **{attr: record}))
    return rows


def set_presented(owner, links: list[dict]) -> None:
    """Replace what an event or a session presented."""
    owner.presented = programme_links(links)


@dataclass
class PresentedAt:
    """One place a record was presented: the event, the session (None: the whole event)."""

    event: Event
    session: EventSession | None
    role: str


def presented_at(record) -> list[PresentedAt]:
    """The published events and sessions that link to `record`, oldest event first."""
    column = next(
        getattr(ProgrammeLink, c) for t, c in PRESENTED_TYPES.items() if MODELS[t] is type(record)
    )
    rows = db.session.scalars(
        sa.select(ProgrammeLink)
        .outerjoin(EventSession, ProgrammeLink.session_id == EventSession.id)
        .join(
            Event,
            sa.or_(Event.id == ProgrammeLink.event_id, Event.id == EventSession.event_id),
        )
        .where(column == record.id, Event.status == "published")
        .order_by(Event.start_date, Event.id, EventSession.day, EventSession.position)
    ).unique()
    return [PresentedAt(row.owner_event, row.session, row.role) for row in rows]
