"""Applying the change log to this host's index, rebuilding it, and reporting its state."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from kb.extensions import db
from kb.models.base import utcnow
from kb.search import integrity, log, marker
from kb.search.documents import TYPES, document
from kb.search.store import REBUILDING, Holder, SearchUnavailable
from kb.search.writing import MERGE_AT, IndexBusy, apply, merge_small, rebuild, segment_count

MODELS = {collection: model for model, collection in TYPES.items()}
CHUNK = 500
#: An idle index says it is alive in the registry this often (seconds).
REGISTER_SECONDS = 60


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


def _keys(rows) -> list[str]:
    return list(dict.fromkeys(f"{t}:{i}" for _, t, i in rows))


def process(limit: int = CHUNK) -> tuple[int, int]:
    """Apply the next changes of the log this host's index has not seen (up to `limit`,
    and any gaps that have appeared), then record how far it got: in the generation's
    marker, and in the `search_index` registry.

    Returns (changes applied, changes still waiting). Raises IndexBusy if the index is
    locked, SearchUnavailable if it is not ok (`kb.search.integrity`).
    """
    h = holder()
    health = integrity.check(h)
    if not health.ok:
        raise SearchUnavailable(health.state)
    mark = health.marker
    with Session(db.engine) as session:
        rows = log.read(session, mark.last, mark.gaps, limit)
        written = health.generation
        if rows:
            timeout = current_app.config["SEARCH_LOCK_TIMEOUT"]
            written = apply(h, _keys(rows), _loader(session), timeout=timeout)
        if written == health.generation:  # else a rebuild swapped in a generation of its own
            mark = mark.advance([seq for seq, _, _ in rows])
            changed = bool(rows) or mark.gaps != health.marker.gaps
            if changed:
                marker.write(h.dir.root / written, mark)
            now = time.monotonic()
            if changed or now - getattr(h, "registered_at", 0.0) > REGISTER_SECONDS:
                log.register(session, marker.index_id(h.dir.root), str(h.dir.root), mark.applied)
                h.registered_at = now
        left, _ = log.waiting(session, mark.last)
    return len(rows), left


def catch_up() -> str:
    """The worker's `search` task: rebuild the index if it is not ok (missing, foreign,
    stale), else apply every change it has not seen; merge if segments piled up; prune
    the log of what every index has."""
    h = holder()
    health = integrity.check(h)
    if not health.ok:
        current_app.logger.warning("search index %s: rebuilding from the database", health.state)
        try:
            name = reindex()
        except BlockingIOError:
            return f"index {health.state}; a rebuild is running"
        return f"index {health.state}: rebuilt ({name})"
    applied = waiting = 0
    try:
        while True:
            done, waiting = process()
            applied += done
            if not done or not waiting:
                break
        merged = (
            merge_small(h, timeout=current_app.config["SEARCH_LOCK_TIMEOUT"])
            if (segment_count(h) >= MERGE_AT)
            else 0
        )
    except IndexBusy:
        return f"{applied} applied; index busy, {waiting} waiting"
    except SearchUnavailable as exc:  # deleted or replaced while we worked: next round
        return f"{applied} applied; index {exc.state}"
    with Session(db.engine) as session:
        pruned = log.prune(session)
    done = f"{applied} applied, {waiting} waiting" + (f", {merged} merged" if merged else "")
    return done + (f", {pruned} pruned" if pruned else "")


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
    """Rebuild the index from the database into a new generation and swap it in.

    Before reading the records it notes the log's highest number and the time; with the
    old index locked, the new generation then applies every change past that number or
    logged up to `GAP_SECONDS` before the build began (a transaction still open then may
    commit later with a lower number), and its marker records the database and the
    gaps. Raises BlockingIOError when another rebuild of this directory is running.
    """
    h = holder()
    with Session(db.engine) as session:
        database = log.state(session).database_id
        start = log.high(session)
        began = utcnow() - timedelta(seconds=log.GAP_SECONDS)
        session.commit()

        def finish(catch_up, replayed: list[str], generation_dir) -> None:
            with Session(db.engine) as reader:
                rows = log.since(reader, start, began)
                catch_up(replayed + _keys(rows), _loader(reader))
                # Numbers missing between the oldest row of the window and `start` may
                # still commit: they are gaps, like those past `start`.
                floor = min([seq for seq, _, _ in rows if seq <= start], default=start + 1) - 1
                mark = marker.Marker(database, floor).advance([seq for seq, _, _ in rows])
                marker.write(generation_dir, mark)

        name = rebuild(h, _all_docs(session, progress), finish=finish, procs=procs)
    integrity.forget(h)
    with Session(db.engine) as session:
        mark = marker.read(h.dir.root / name)
        log.register(session, marker.index_id(h.dir.root), str(h.dir.root), mark.applied)
    return name


def status() -> dict:
    """The index's state against the database (`kb.search.integrity`), counts per type
    in the index and the database, how many changes wait, and the registered indexes."""
    h = holder()
    health = integrity.check(h)
    in_index = dict.fromkeys(MODELS)
    if health.state != "missing":
        with h.searcher() as searcher:
            for collection in MODELS:
                in_index[collection] = len(list(searcher.document_numbers(type=collection)))
    in_db = {}
    for collection, model in MODELS.items():
        query = sa.select(sa.func.count(model.id))
        if hasattr(model, "slug") and collection != "countries":
            query = query.where(model.status == "published")
        in_db[collection] = db.session.scalar(query) or 0
    mark = health.marker
    with Session(db.engine) as session:
        waiting, oldest = log.waiting(session, mark.last if mark else 0)
        registered = [
            {
                "id": r.id,
                "host": r.host,
                "directory": r.directory,
                "applied": r.applied,
                "seen_at": r.seen_at,
            }
            for r in log.indexes(session)
        ]
        top = log.high(session)
    return {
        "directory": str(h.dir.root),
        "generation": health.generation,
        "state": health.state,
        "database": health.database,
        "applied": mark.applied if mark else None,
        "last": mark.last if mark else None,
        "gaps": len(mark.gaps) if mark else 0,
        "high": top,
        "pruned_through": health.pruned_through,
        "index": in_index,
        "records": in_db,
        "queue": waiting if health.ok else None,
        "oldest": oldest if health.ok else None,
        "indexes": registered,
        "rebuilding": (h.dir.root / REBUILDING).exists(),
    }
