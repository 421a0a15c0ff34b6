"""The worker's heartbeat: which `kb worker` processes run, where, and what they last did."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from kb.models.base import JSONType, UTCDateTime, db, utcnow


class WorkerHeartbeat(db.Model):
    """One `kb worker` process (host and pid), rewritten every `WORKER_HEARTBEAT_SECONDS`.

    Read it through `kb.worker.heartbeat` (`latest`, `alive`), not directly: that is
    where "alive" is defined. A clean stop sets `stopped_at`; a killed worker's row just
    stops beating. Rows of workers gone for a week are deleted by the next worker start.
    """

    __tablename__ = "worker_heartbeat"
    __table_args__ = (sa.UniqueConstraint("host", "pid", name="uq_worker_heartbeat_host_pid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    host: Mapped[str] = mapped_column(sa.String(255))
    pid: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Per task: {"at": ISO time of its last run, "did": what it did, "error": None or text}.
    tasks: Mapped[dict] = mapped_column(JSONType, default=dict)
