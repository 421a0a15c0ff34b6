"""How fresh the published data is: one cheap reading that changes with every change.

Every change to a record that a page or an API answer shows (and to the records whose
pages show its name) appends a row to the search change log in the change's own
transaction (kb/search/sync.py). So the log's newest `seq`, its row count (a transaction
that commits late with a lower `seq` still adds a row) and how far it was pruned
together change whenever the data behind a page does. Validators (ETag) and the home
page's cached counts are keyed by it, so they are right across processes with no
invalidation message to pass around. A record's pictures are not in that log, but every
change to them is kept as a revision of the record, so the newest revision's id is part
of the version too (revisions are never deleted: its id only grows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

import sqlalchemy as sa
from flask import current_app

from kb import uow
from kb.extensions import db
from kb.models import Revision, SearchChange, SearchLogState

_KEY = "kb_freshness"


@dataclass(frozen=True)
class Freshness:
    """The data's version (opaque) and when the newest change still logged was made."""

    version: str
    #: None when the log has been pruned empty: the time of the last change is unknown.
    changed_at: datetime | None


def freshness() -> Freshness:
    """The data's current version, read once per transaction (a commit reads it again)."""
    state = uow.state(db.session)
    if _KEY not in state:
        # Every anonymous request reads it: the statement is built once, and sent on the
        # session's connection (its transaction) without the ORM's work per statement,
        # which cost five times the reading itself.
        seq, rows, changed_at, through, revision = (
            db.session.connection().execute(_statement()).one()
        )
        version = f"{seq or 0}.{rows or 0}.{through or 0}.{revision or 0}"
        state[_KEY] = Freshness(version, changed_at)
    return state[_KEY]


@cache
def _statement() -> sa.Select:
    c = SearchChange
    return sa.select(
        sa.select(sa.func.max(c.seq)).scalar_subquery(),
        sa.select(sa.func.count(c.seq)).scalar_subquery(),
        sa.select(sa.func.max(c.created_at)).scalar_subquery(),
        sa.select(sa.func.max(SearchLogState.pruned_through)).scalar_subquery(),
        sa.select(sa.func.max(Revision.id)).scalar_subquery(),
    )


#: Kept per app and process at most (keys are few: a value per page type and language,
#: and one per event asked for).
_MEMO_SIZE = 256


def memo(key, compute):
    """`compute()`, reused in this process until the data's version changes.

    Kept per app (app.extensions["kb-memo"]): the version names a state of one database,
    and two databases (tests make one per app) can be at the same version number with
    different data. For plain values (numbers, strings, tuples, frozen dataclasses),
    never database objects, which belong to the session that loaded them.
    """
    version = freshness().version
    kept = current_app.extensions.setdefault("kb-memo", {})
    hit = kept.get(key)
    if hit is not None and hit[0] == version:
        return hit[1]
    value = compute()
    if len(kept) >= _MEMO_SIZE:
        kept.clear()
    kept[key] = (version, value)
    return value
