"""Accounts: people who log in, the institution they act for, their roles and API tokens."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.models.base import TimestampMixin, UTCDateTime, db, utcnow
from kb.models.directory import Organization

ROLES = ("member", "moderator", "organizer", "admin")


class AccountRole(db.Model):
    """One role held by an account."""

    __tablename__ = "account_role"

    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(sa.String(16), primary_key=True, index=True)


class Account(TimestampMixin, db.Model):
    """A person's login, acting for one organisation of the directory."""

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
