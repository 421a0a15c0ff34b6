"""Roles granted on the web: the log of every grant and revocation, and requests for a role.

An admin grants or revokes roles on the account pages; an institution's confirmed account
may ask for the organizer role for its institution, which a coordinator decides. Each
grant and revocation, by whom (an account, or a process such as the command line), when
and why, is a `RoleChange`; nothing in it is ever changed or deleted.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.models.accounts import Account
from kb.models.base import UTCDateTime, db, utcnow
from kb.models.directory import Organization

#: pending → granted | declined; withdrawn when its asker loses the affiliation.
ROLE_REQUEST_STATES = ("pending", "granted", "declined")


class RoleChange(db.Model):
    """One grant or revocation of a role."""

    __tablename__ = "role_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(sa.String(16))
    #: "granted" or "revoked".
    action: Mapped[str] = mapped_column(sa.String(16))
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("account.id", ondelete="SET NULL"))
    #: Who acted when no account did (e.g. "cli").
    process: Mapped[str | None] = mapped_column(sa.String(32))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    account: Mapped[Account] = relationship(foreign_keys=[account_id])
    by: Mapped[Account | None] = relationship(foreign_keys=[by_id])


class RoleRequest(db.Model):
    """An account's request for the organizer role for its institution, and the decision."""

    __tablename__ = "role_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="CASCADE")
    )
    role: Mapped[str] = mapped_column(sa.String(16), default="organizer")
    state: Mapped[str] = mapped_column(sa.String(16), default="pending", index=True)
    #: What the asker wrote.
    message: Mapped[str | None] = mapped_column(sa.Text)
    #: What the coordinator wrote with the decision.
    note: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("account.id", ondelete="SET NULL")
    )

    account: Mapped[Account] = relationship(foreign_keys=[account_id])
    organization: Mapped[Organization] = relationship()
    decided_by: Mapped[Account | None] = relationship(foreign_keys=[decided_by_id])
