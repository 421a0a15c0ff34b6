"""Accounts: people who log in, the institution they act for, their roles and API tokens.

Acting for an institution is granted, never self-declared: an account *asks* (an
`Affiliation` in the state `claimed`), and only a moderator's or an admin's confirmation
(or an admin's `kb users create --organization`) sets `Account.organization`. Every
permission that depends on an organisation reads `Account.organization_id`, so it sees
confirmed affiliations only.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.models.base import TimestampMixin, UTCDateTime, db, utcnow
from kb.models.directory import Organization

ROLES = ("member", "moderator", "organizer", "coordinator", "admin")
#: The states of an affiliation: asked for, granted, refused, or taken back by its asker.
AFFILIATION_STATES = ("claimed", "confirmed", "declined", "withdrawn")


class AccountRole(db.Model):
    """One role held by an account."""

    __tablename__ = "account_role"

    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(sa.String(16), primary_key=True, index=True)


class Account(TimestampMixin, db.Model):
    """A person's login, acting for (at most) one organisation of the directory.

    `organization` is the *confirmed* affiliation only; what the account asked for and
    what became of it are its `Affiliation` rows.
    """

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    name: Mapped[str | None] = mapped_column(sa.String(200))
    password_hash: Mapped[str | None] = mapped_column(sa.String(300))
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="SET NULL"), index=True
    )
    locale: Mapped[str] = mapped_column(sa.String(8), default="en")
    active: Mapped[bool] = mapped_column(default=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Part of every session's id: raising it ends every session the account has (log-out,
    #: password change or reset, deactivation), however the session cookie was copied.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Whether a moderator or coordinator gets e-mails when work waits for them.
    notices: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    #: When the last of those e-mails was queued (at most one an hour).
    notice_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization | None] = relationship()
    role_rows: Mapped[list[AccountRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="account", cascade="all, delete-orphan"
    )

    @property
    def roles(self) -> set[str]:
        """The account's role names."""
        return {row.role for row in self.role_rows}

    def has_role(self, *roles: str) -> bool:
        """Whether the account holds any of `roles`; admins hold every role."""
        mine = self.roles
        return "admin" in mine or any(role in mine for role in roles)

    def add_role(self, role: str) -> None:
        """Grant `role` (no-op if already held)."""
        if role not in self.roles:
            self.role_rows.append(AccountRole(role=role))

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """The id kept in the session: the account's and its session generation."""
        return f"{self.id}:{self.session_generation}"

    def end_sessions(self) -> None:
        """Make every session of this account, on every device, stop working."""
        self.session_generation = (self.session_generation or 0) + 1


class ApiToken(db.Model):
    """An API token; only the SHA-256 of the secret is stored. It may have an expiry."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str | None] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    account: Mapped[Account] = relationship(back_populates="tokens")

    def usable(self, now: datetime | None = None) -> bool:
        """Not revoked and not expired."""
        now = now or utcnow()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class Affiliation(db.Model):
    """An account's request to act for an organisation, and the decision on it."""

    __tablename__ = "affiliation"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(sa.String(16), default="claimed", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("account.id", ondelete="SET NULL")
    )
    #: Who granted it when no moderator's decision did: "cli", "migration", "proposal".
    granted_by: Mapped[str | None] = mapped_column(sa.String(32))
    reason: Mapped[str | None] = mapped_column(sa.Text)

    account: Mapped[Account] = relationship(foreign_keys=[account_id])
    organization: Mapped[Organization] = relationship()
    decided_by: Mapped[Account | None] = relationship(foreign_keys=[decided_by_id])
