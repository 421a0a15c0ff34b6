"""Whether this host's index mirrors this database: missing, foreign, stale or ok.

- `missing`: no generation serves (the directory was deleted, or never built);
- `unmarked`: the serving generation has no marker (built before markers existed, or
  its marker was lost): what it holds cannot be vouched for;
- `foreign`: its marker names another database (an index copied from another install,
  or a database restored from elsewhere);
- `stale`: changes past its marker were pruned from the log (it was offline longer than
  the retention period, so no longer registered, or another install pruned them);
- `ok`: it has applied the log up to its marker; later changes are applied by the worker.

Anything but `ok` is served as "search is being rebuilt" (never empty results as if
they were true) and the worker rebuilds the index from the database. Requests check at
most every `CHECK_SECONDS`; the worker and `kb search status` check every time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy.orm import Session

from kb.extensions import db
from kb.search import log, marker
from kb.search.store import Holder, SearchUnavailable

CHECK_SECONDS = 5.0


@dataclass(frozen=True)
class Health:
    """The index's state against the database, with what it was judged on."""

    state: str
    generation: str | None = None
    marker: marker.Marker | None = None
    database: str | None = None
    pruned_through: int = 0

    @property
    def ok(self) -> bool:
        return self.state == "ok"


def check(holder: Holder) -> Health:
    """Judge the serving generation of `holder` against the database now."""
    with Session(db.engine) as session:
        row = log.state(session)
        database, pruned = row.database_id, row.pruned_through
    name = holder.dir.current_name()
    if name is None or not (holder.dir.root / name).is_dir():
        return Health("missing", database=database, pruned_through=pruned)
    mark = marker.read(holder.dir.root / name)
    if mark is None:
        state = "unmarked"
    elif mark.database != database:
        state = "foreign"
    elif mark.last < pruned:
        state = "stale"
    else:
        state = "ok"
    return Health(state, name, mark, database, pruned)


def require(holder: Holder) -> None:
    """Raise SearchUnavailable unless the index is ok (judged at most every few seconds)."""
    now = time.monotonic()
    cached = getattr(holder, "health", None)
    if cached is None or now - getattr(holder, "health_at", 0.0) > CHECK_SECONDS:
        cached = check(holder)
        holder.health, holder.health_at = cached, now
    if not cached.ok:
        raise SearchUnavailable(cached.state)


def forget(holder: Holder) -> None:
    """Drop the remembered judgement (after a rebuild or a swap)."""
    holder.health = None
