"""The worker's heartbeat row (table `worker_heartbeat`), written and read.

For monitors and `/healthz`: `alive()` says whether some worker beat recently,
`latest()` gives every worker's row (host, pid, last beat, what each task last did).
A worker beats every `WORKER_HEARTBEAT_SECONDS` (10 s); it counts as alive while its
last beat is younger than `WORKER_STALE_SECONDS` (60 s) and it has not stopped.
"""

from __future__ import annotations

import os
import socket
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from kb.extensions import db
from kb.models import WorkerHeartbeat
from kb.models.base import utcnow

#: Rows of workers that stopped (or stopped beating) this long ago are deleted.
FORGET_AFTER = timedelta(days=7)


def beat(tasks: dict, *, stopped: bool = False) -> None:
    """Write this process's row: now, and what each task last did. Commits."""
    host, pid, now = socket.gethostname(), os.getpid(), utcnow()
    row = db.session.scalar(
        sa.select(WorkerHeartbeat).where(WorkerHeartbeat.host == host, WorkerHeartbeat.pid == pid)
    )
    if row is None:
        row = WorkerHeartbeat(host=host, pid=pid, started_at=now)
        db.session.add(row)
    row.beat_at = now
    row.tasks = dict(tasks)
    row.stopped_at = now if stopped else None
    db.session.commit()


def forget_old() -> int:
    """Delete the rows of workers gone for `FORGET_AFTER`; returns how many. Commits."""
    result = db.session.execute(
        sa.delete(WorkerHeartbeat).where(WorkerHeartbeat.beat_at < utcnow() - FORGET_AFTER)
    )
    db.session.commit()
    return result.rowcount


def latest() -> list[WorkerHeartbeat]:
    """Every known worker, the most recent beat first."""
    query = sa.select(WorkerHeartbeat).order_by(WorkerHeartbeat.beat_at.desc())
    return list(db.session.scalars(query))


def alive(max_age: float | None = None) -> bool:
    """Whether a worker is running: beat within `max_age` seconds and not stopped."""
    seconds = max_age if max_age is not None else current_app.config["WORKER_STALE_SECONDS"]
    query = sa.select(WorkerHeartbeat.id).where(
        WorkerHeartbeat.stopped_at.is_(None),
        WorkerHeartbeat.beat_at >= utcnow() - timedelta(seconds=seconds),
    )
    return db.session.scalar(query.limit(1)) is not None
