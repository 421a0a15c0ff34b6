"""The search change log in the database: reading it, registering indexes, pruning it.

Rows (`search_change`) are appended in the transaction of the change they note
(`kb.search.sync`) and never updated. Each index directory reads the rows past its
marker (`kb.search.marker`). Sequence numbers are handed out at insert but become
visible at commit, so a reader can see 11 before 10 commits: a number missing below the
highest one read is a *gap*, looked for again on later rounds until `GAP_SECONDS` have
passed (a transaction open that long is assumed gone; a rolled-back one leaves a gap for
ever). Rows are pruned once every registered index has applied them, and in any case
after `SEARCH_LOG_RETENTION_DAYS`; an index that fell behind a pruned row rebuilds.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterable
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kb.models import SearchChange, SearchIndex, SearchLogState
from kb.models.base import utcnow

#: How long a missing sequence number may still appear (a transaction still open).
GAP_SECONDS = 300


def state(session: Session) -> SearchLogState:
    """The log's one state row. Made, with a new database id, the first time it is
    asked for (and committed at once: call it before anything else in the session)."""
    row = session.get(SearchLogState, 1)
    if row is not None:
        return row
    session.add(SearchLogState(id=1, database_id=str(uuid.uuid4()), pruned_through=0))
    try:
        session.commit()
    except IntegrityError:  # another process made it first
        session.rollback()
    return session.get(SearchLogState, 1)


def high(session: Session) -> int:
    """The highest sequence number logged so far (0 when none is left)."""
    top = session.scalar(sa.select(sa.func.max(SearchChange.seq))) or 0
    return max(top, state(session).pruned_through)


def read(session: Session, after: int, gaps: Iterable[int], limit: int) -> list[tuple]:
    """Rows (seq, record_type, record_id) past `after`, and those of `gaps`, by seq."""
    c = SearchChange
    columns = sa.select(c.seq, c.record_type, c.record_id)
    rows = session.execute(columns.where(c.seq > after).order_by(c.seq).limit(limit)).all()
    gaps = sorted(gaps)
    for start in range(0, len(gaps), 500):
        rows += session.execute(columns.where(c.seq.in_(gaps[start : start + 500]))).all()
    return sorted(set(rows))


def since(session: Session, after: int, created_after) -> list[tuple]:
    """Every row past `after` or created after `created_after` (a rebuild's catch-up)."""
    c = SearchChange
    query = sa.select(c.seq, c.record_type, c.record_id).where(
        sa.or_(c.seq > after, c.created_at >= created_after)
    )
    return session.execute(query.order_by(c.seq)).all()


def waiting(session: Session, after: int) -> tuple[int, object]:
    """How many rows lie past `after`, and when the oldest of them was logged."""
    c = SearchChange
    return tuple(
        session.execute(
            sa.select(sa.func.count(c.seq), sa.func.min(c.created_at)).where(c.seq > after)
        ).one()
    )


def register(session: Session, index_id: str, directory: str, applied: int) -> None:
    """Record that index `index_id` has every change up to `applied`. Commits."""
    row = session.get(SearchIndex, index_id)
    if row is None:
        row = SearchIndex(id=index_id, host=socket.gethostname()[:255], applied=applied)
        session.add(row)
    row.directory = directory[:1000]
    row.applied = applied
    row.seen_at = utcnow()
    try:
        session.commit()
    except IntegrityError:  # registered by another process of this host meanwhile
        session.rollback()


def indexes(session: Session) -> list[SearchIndex]:
    """Every registered index, the most recently seen first."""
    return list(session.scalars(sa.select(SearchIndex).order_by(SearchIndex.seen_at.desc())))


def prune(session: Session) -> int:
    """Delete rows every index registered within the retention period has applied, and
    rows older than it; forget indexes not seen within it. Returns how many rows went.

    Rows younger than `GAP_SECONDS` are always kept: a rebuild catching up reads them.
    """
    row = state(session)
    days = float(current_app.config.get("SEARCH_LOG_RETENTION_DAYS", 7))
    now = utcnow()
    cutoff = now - timedelta(days=days)
    session.execute(sa.delete(SearchIndex).where(SearchIndex.seen_at < cutoff))
    applied = session.scalar(sa.select(sa.func.min(SearchIndex.applied)))
    recent = now - timedelta(seconds=GAP_SECONDS)
    c = SearchChange
    doomed = c.created_at < cutoff
    if applied is not None:
        doomed = sa.or_(doomed, sa.and_(c.seq <= applied, c.created_at < recent))
    through = session.scalar(sa.select(sa.func.max(c.seq)).where(doomed))
    if through is None:
        session.commit()
        return 0
    row.pruned_through = max(row.pruned_through, through)
    gone = session.execute(sa.delete(c).where(c.seq <= through, doomed)).rowcount
    session.commit()
    return gone
