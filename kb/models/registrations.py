"""Registrations for network events: who registered, in which language, what was sent."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.models.base import JSONType, TimestampMixin, UTCDateTime, db
from kb.models.events import Event

REGISTRATION_STATES = ("confirmed", "cancelled")


class Registration(TimestampMixin, db.Model):
    """One person's registration for one event.

    The e-mail address is stored normalised and lower-cased, so that one address
    registers once per event (a unique constraint backs the service's check).
    `links_sent_at`/`links_sent` record when the joining links were last e-mailed and
    which ones; `links_version` is the fingerprint of those links, so that each version
    of an event's links goes out once (a changed link goes out again, as a replacement);
    `links_count` numbers the links e-mails, so each has its own outbox key.
    """

    __tablename__ = "registration"
    __table_args__ = (sa.UniqueConstraint("event_id", "email", name="uq_registration_event_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(320))
    organization: Mapped[str | None] = mapped_column(sa.String(300))
    #: ISO 3166-1 alpha-2 code.
    country: Mapped[str | None] = mapped_column(sa.String(2))
    #: The language the registrant wants e-mails in (a working language).
    language: Mapped[str] = mapped_column(sa.String(8))
    #: The registrant's own time zone, for the times in e-mails (None: UTC).
    timezone: Mapped[str | None] = mapped_column(sa.String(64))
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(16), default="confirmed", index=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    links_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: What the links e-mail held: {"event": url, "sessions": [{"id", "url"}], "key": outbox key}.
    links_sent: Mapped[dict | None] = mapped_column(JSONType)
    #: The fingerprint of the links this registration holds (None: none, or none since
    #: registering again).
    links_version: Mapped[str | None] = mapped_column(sa.String(16))
    links_count: Mapped[int] = mapped_column(default=0, server_default="0")

    event: Mapped[Event] = relationship()

    @property
    def is_confirmed(self) -> bool:
        """Whether the registration stands (not cancelled)."""
        return self.status == "confirmed"

    def __repr__(self) -> str:
        return f"<Registration {self.id} event={self.event_id} {self.status}>"
