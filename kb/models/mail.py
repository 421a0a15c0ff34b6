"""The outbox: e-mails stored in the same transaction as what caused them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from kb.models.base import JSONType, UTCDateTime, db, utcnow


class OutboxMessage(db.Model):
    """One e-mail to one recipient, kept until it is delivered (and after, as a record).

    `key` makes queueing idempotent: a message with a key already in the outbox is
    not queued again (e.g. `registration:12:links`).
    """

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    #: Fixed when queued, so a resend after a lost commit carries the same one.
    message_id: Mapped[str] = mapped_column(sa.String(250), unique=True)
    to: Mapped[str] = mapped_column(sa.String(320))
    subject: Mapped[str] = mapped_column(sa.String(500))
    text: Mapped[str] = mapped_column(sa.Text)
    html: Mapped[str | None] = mapped_column(sa.Text)
    #: [{"filename", "content_type", "data" (base64)}]
    attachments: Mapped[list] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
