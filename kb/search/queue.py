"""Applying the queue to the index, rebuilding it, and reporting how far it is behind."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from kb.extensions import db
from kb.models import SearchQueue
from kb.search.documents import TYPES, document
from kb.search.store import REBUILDING, Holder
from kb.search.writing import MERGE_AT, IndexBusy, apply, merge_small, rebuild, segment_count

MODELS = {collection: model for model, collection in TYPES.items()}
CHUNK = 500


def holder() -> Holder:
    """This app's index holder (one searcher per process and index directory)."""
    return current_app.extensions["kb_search"]


def _loader(session: Session) -> Callable[[list[str]], dict]:
    def load(keys: list[str]) -> dict[str, dict | None]:
        session.expire_all()  # read what is committed now, under the index lock
        docs = {}
        for key in keys:
            collection, _, record_id = key.partition(":")
            model = MODELS.get(collection)
            record = session.get(model, int(record_id)) if model and record_id.isdigit() else None
            docs[key] = document(record) if record is not None else None
        return docs

    return load


def process(keys: list[str] | None = None, limit: int = CHUNK) -> tuple[int, int]:
    """Apply queued changes (those of `keys`, or the oldest `limit`) to the index.

    Returns (applied, still waiting). Raises IndexBusy if the index is locked.
    """
    q = SearchQueue
    with Session(db.engine) as session:
        select = sa.select(q.id, q.record_type, q.record_id).order_by(q.id)
        if keys is None:
            rows = session.execute(select.limit(limit)).all()
        else:
            rows = []
            for collection in {k.partition(":")[0] for k in keys}:
                ids = [int(k.partition(":")[2]) for k in keys if k.startswith(collection + ":")]
                rows += session.execute(
                    select.where(q.record_type == collection, q.record_id.in_(ids))
                ).all()
        todo = list(dict.fromkeys([*(keys or []), *(f"{t}:{i}" for _, t, i in rows)]))
        apply(holder(), todo, _loader(session), timeout=current_app.config["SEARCH_LOCK_TIMEOUT"])
        row_ids = [row.id for row in rows]
        for start in range(0, len(row_ids), CHUNK):
            session.execute(sa.delete(q).where(q.id.in_(row_ids[start : start + CHUNK])))
        session.commit()
        waiting = session.scalar(sa.select(sa.func.count(q.id))) or 0
    return len(todo), waiting


def catch_up() -> str:
    """Apply every waiting change (the worker's `search` task); merge if segments piled up."""
    applied = waiting = 0
    try:
        while True:
            done, waiting = process()
            applied += done
            if not done or not waiting:
                break
        merged = (
            merge_small(holder(), timeout=current_app.config["SEARCH_LOCK_TIMEOUT"])
            if (segment_count(holder()) >= MERGE_AT)
            else 0
        )
    except IndexBusy:
        return f"{applied} applied; index busy, {waiting} waiting"
    return f"{applied} applied, {waiting} waiting" + (f", {merged} merged" if merged else "")


def merge() -> str:
    """Merge the index's small segments (the worker's `merge` task)."""
    try:
        merged = merge_small(holder(), timeout=current_app.config["SEARCH_LOCK_TIMEOUT"])
    except IndexBusy:
        return "index busy"
    return f"{merged} small segments merged"


def _all_docs(session: Session, progress=None):
    for model in TYPES:
        last = 0
        while True:
            chunk = session.scalars(
                sa.select(model).where(model.id > last).order_by(model.id).limit(CHUNK)
            ).all()
            if not chunk:
                break
            for record in chunk:
                doc = document(record)
                if doc is not None:
                    yield doc
                if progress is not None:
                    progress.update(1)
            last = chunk[-1].id
            session.expunge_all()


def count_records() -> int:
    """How many records (of every searchable type) the database holds."""
    return sum(db.session.scalar(sa.select(sa.func.count(m.id))) or 0 for m in TYPES)


def reindex(progress=None, procs: int = 1) -> str:
    """Rebuild the index from the database into a new generation and swap it in."""
    with Session(db.engine) as session:

        def finish(catch_up, replayed: list[str]) -> None:
            rows = session.execute(
                sa.select(SearchQueue.id, SearchQueue.record_type, SearchQueue.record_id)
            ).all()
            with Session(db.engine) as reader:
                catch_up(replayed + [f"{t}:{i}" for _, t, i in rows], _loader(reader))
            session.execute(sa.delete(SearchQueue).where(SearchQueue.id.in_([r.id for r in rows])))
            session.commit()

        return rebuild(holder(), _all_docs(session, progress), finish=finish, procs=procs)


def status() -> dict:
    """Index and database counts per type, the queue, and whether a rebuild is under way."""
    h = holder()
    with h.searcher() as searcher:
        in_index = {}
        for collection in MODELS:
            in_index[collection] = len(list(searcher.document_numbers(type=collection)))
    in_db = {}
    for collection, model in MODELS.items():
        query = sa.select(sa.func.count(model.id))
        if hasattr(model, "slug") and collection != "countries":
            query = query.where(model.status == "published")
        in_db[collection] = db.session.scalar(query) or 0
    queue = db.session.execute(
        sa.select(sa.func.count(SearchQueue.id), sa.func.min(SearchQueue.created_at))
    ).one()
    return {
        "directory": str(h.dir.root),
        "generation": h.name,
        "index": in_index,
        "database": in_db,
        "queue": queue[0],
        "oldest": queue[1],
        "rebuilding": (h.dir.root / REBUILDING).exists(),
    }
