"""Noting what the index must catch up with (the pattern of pypi/warehouse, made durable).

`after_flush` notes every changed searchable record (and the records whose documents
show its name) and appends a `search_change` row for each in the same transaction, so
the intent to re-index is as durable as the change; a rollback discards both. It also
registers, on the unit of work (`kb.uow`), the wake-up of the local `kb worker` after
the commit: the worker, never the request, writes the index.
"""

from __future__ import annotations

from itertools import chain

import sqlalchemy as sa
from flask import has_app_context
from sqlalchemy.orm import Session

from kb import uow
from kb.models import (
    Country,
    Element,
    ElementDomain,
    EventOrganization,
    EventSession,
    Festival,
    FestivalEdition,
    Organization,
    SearchChange,
    Speaker,
)
from kb.models import heritage as h
from kb.search.documents import TYPES
from kb.wake import waker

PENDING = "kb_search_pending"

#: Parts of a record that live in tables of their own: the record they belong to.
_OWNERS = {
    ElementDomain: lambda o: ("elements", o.element_id),
    FestivalEdition: lambda o: ("festivals", o.festival_id),
    EventSession: lambda o: ("events", o.event_id),
    EventOrganization: lambda o: ("events", o.event_id),
    Speaker: lambda o: ("events", o.session.event_id if o.session else None),
}

#: Records whose documents carry the name of a record of this model.
_DEPENDENTS = {
    Country: [
        ("elements", h.element_country.c.element_id, h.element_country.c.country_id),
        ("festivals", h.festival_country.c.festival_id, h.festival_country.c.country_id),
        ("case-studies", h.case_study_country.c.case_study_id, h.case_study_country.c.country_id),
        ("organizations", Organization.id, Organization.country_id),
    ],
    Element: [
        ("festivals", h.festival_element.c.festival_id, h.festival_element.c.element_id),
        ("case-studies", h.case_study_element.c.case_study_id, h.case_study_element.c.element_id),
    ],
    Organization: [
        (
            "festivals",
            h.festival_organization.c.festival_id,
            h.festival_organization.c.organization_id,
        ),
        (
            "case-studies",
            h.case_study_organization.c.case_study_id,
            h.case_study_organization.c.organization_id,
        ),
        ("events", EventOrganization.event_id, EventOrganization.organization_id),
    ],
    Festival: [
        (
            "case-studies",
            h.case_study_festival.c.case_study_id,
            h.case_study_festival.c.festival_id,
        ),
    ],
}


def _keys_of(session: Session, obj, deleted: bool) -> set[tuple[str, int]]:
    if type(obj) in _OWNERS:
        collection, record_id = _OWNERS[type(obj)](obj)
        return {(collection, record_id)} if record_id else set()
    collection = TYPES.get(type(obj))
    if collection is None or obj.id is None:
        return set()
    keys = {(collection, obj.id)}
    if not deleted and obj not in session.new:
        for dep_type, dep_col, link_col in _DEPENDENTS.get(type(obj), []):
            rows = session.execute(sa.select(dep_col).where(link_col == obj.id)).scalars()
            keys |= {(dep_type, rid) for rid in rows}
    return keys


def after_flush(session: Session, flush_context) -> None:
    """Queue changed records durably, in the flush's transaction; wake the worker after."""
    keys: set[tuple[str, int]] = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if obj in session.dirty and not session.is_modified(obj):
            continue
        keys |= _keys_of(session, obj, deleted=obj in session.deleted)
    pending = uow.state(session).setdefault(PENDING, set())
    new = keys - pending
    if new:
        session.connection().execute(
            sa.insert(SearchChange.__table__),
            [{"record_type": t, "record_id": i} for t, i in sorted(new)],
        )
        pending |= new
        if has_app_context():
            uow.after_commit(session, "wake the worker: search", waker("search"))


def install() -> None:
    """Listen on every SQLAlchemy session's flushes (once per process)."""
    if not sa.event.contains(Session, "after_flush", after_flush):
        sa.event.listen(Session, "after_flush", after_flush)
