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
from kb.kinds import KINDS
from kb.models import SearchChange
from kb.search.documents import TYPES
from kb.wake import waker

PENDING = "kb_search_pending"

#: Parts of a record that live in tables of their own: the record they belong to
#: (each kind names its parts: `Kind.search.parts`).
_OWNERS = {part: (kind.name, owner) for kind in KINDS for part, owner in kind.search.parts}

#: Records whose documents carry the name of a record of this model
#: (each kind names the models whose names it shows: `Kind.search.shows`).
_DEPENDENTS = {
    model: [
        (kind.name, dep, link) for kind in KINDS for m, dep, link in kind.search.shows if m is model
    ]
    for model in {m for kind in KINDS for m, _d, _l in kind.search.shows}
}


def _keys_of(session: Session, obj, deleted: bool) -> set[tuple[str, int]]:
    if type(obj) in _OWNERS:
        collection, owner = _OWNERS[type(obj)]
        record_id = owner(obj)
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
