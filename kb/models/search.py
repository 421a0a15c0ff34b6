"""The search queue: records whose index entry must be rewritten, kept by the database."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from kb.models.base import UTCDateTime, db, utcnow


class SearchQueue(db.Model):
    """One record to re-index, written in the same transaction as the change to it.

    A row is deleted once the index holds the record's committed state; rows left
    (index locked or unavailable) are retried by later requests and `kb search sync`.
    """

    __tablename__ = "search_queue"
    __table_args__ = (sa.Index("ix_search_queue_record", "record_type", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The collection name (`elements`, `case-studies`, …), as in the index's keys.
    record_type: Mapped[str] = mapped_column(sa.String(32))
    record_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
