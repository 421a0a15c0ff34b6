"""The history of every record: who changed what, when, from what to what."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from kb.models.base import JSONType, UTCDateTime, db, utcnow


class Revision(db.Model):
    """One change to one record.

    `changes` maps each changed field to `[old, new]` in the API's JSON shape.
    `actor` names who made it when there is no account (e.g. `seed`).
    """

    __tablename__ = "revision"
    __table_args__ = (sa.Index("ix_revision_record", "record_type", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(sa.String(32))
    record_id: Mapped[int]
    action: Mapped[str] = mapped_column(sa.String(16))
    account_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("account.id", ondelete="SET NULL"), index=True
    )
    actor: Mapped[str | None] = mapped_column(sa.String(200))
    changes: Mapped[dict] = mapped_column(JSONType, default=dict)
    note: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
