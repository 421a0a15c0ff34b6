"""The unit of work: what a transaction sets in motion once it has committed.

invenio-records-resources' pattern, made small. Code that leaves work for later in the
database (an e-mail in the outbox, a change in the search log) says so where it does
it, by registering an operation with `after_commit(session, name, fn)`. The operations
run right after the session's transaction commits: never before, never after a
rollback (then they are dropped), once per transaction and name. They must be quick
and must not touch the database: the slow part (sending, indexing) belongs to
`kb worker`, and what they do here is wake it (`kb.worker.wake`). An operation that
fails is logged and never fails the commit, which has already happened.

`state(session)` is a dict for the current transaction only (cleared on commit and on
rollback), for code that notes things across flushes, such as the search log's keys.

Two SQLAlchemy listeners drive it, installed once by `install()`; they hold no logic of
their own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
_OPS = "kb_after_commit"
_STATE = "kb_transaction_state"


def after_commit(session: Session, name: str, fn: Callable[[], None]) -> None:
    """Run `fn` once the session's current transaction has committed (once per `name`)."""
    session.info.setdefault(_OPS, {}).setdefault(name, fn)


def pending(session: Session) -> list[str]:
    """The names of the operations waiting for the current transaction's commit."""
    return list(session.info.get(_OPS, {}))


def state(session: Session) -> dict:
    """A dict that lives as long as the session's current transaction."""
    return session.info.setdefault(_STATE, {})


def _committed(session: Session) -> None:
    session.info.pop(_STATE, None)
    ops = session.info.pop(_OPS, None) or {}
    for name, fn in ops.items():
        try:
            fn()
        except Exception:  # the commit happened; a lost nudge only delays the work
            log.exception("after-commit operation %s failed", name)


def _rolled_back(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction, not a savepoint
        session.info.pop(_STATE, None)
        session.info.pop(_OPS, None)


def install() -> None:
    """Listen on every session (once per process)."""
    if not sa.event.contains(Session, "after_commit", _committed):
        sa.event.listen(Session, "after_commit", _committed)
        sa.event.listen(Session, "after_soft_rollback", _rolled_back)
