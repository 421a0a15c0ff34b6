"""Accounts: creating them, passwords, roles and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from kb.extensions import db
from kb.models import ROLES, Account, ApiToken, Organization
from kb.models.base import utcnow
from kb.services.common import ServiceError, by_slug
from kb.services.passwords import check_strength

TOKEN_PREFIX = "kb_"
#: The longest expiry a token can be given (a token without expiry is still possible).
MAX_TOKEN_DAYS = 3650


def normalize_email(email: str, field: str = "email") -> str:
    """The e-mail address in its normal form; a ServiceError if it is not one."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ServiceError(field, _("Not a valid e-mail address.")) from exc


def find_account(email: str) -> Account | None:
    """The account with this e-mail address, if any."""
    return db.session.scalar(sa.select(Account).where(Account.email == normalize_email(email)))


def hash_password(password: str) -> str:
    """A salted, slow hash of `password` (the expensive step of setting a password)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def set_password(account: Account, password: str) -> None:
    """Set the account's password (only a salted hash is stored); ends its sessions.

    The password must pass the policy (kb.services.passwords): long enough, hard to guess.
    """
    check_strength(password, email=account.email, name=account.name)
    account.password_hash = hash_password(password)
    account.end_sessions()


def change_password(account: Account, current: str, new: str) -> None:
    """A new password for a logged-in holder who knows the current one.

    Every session ends, so a copied cookie stops working; the caller logs the holder in
    again with the new session generation. API tokens stay (the account page lists them).
    """
    if not check_password(account, current or ""):
        raise ServiceError("current_password", _("This is not your current password."))
    set_password(account, new)
    db.session.flush()


def log_out(account: Account) -> None:
    """End every session of the account (its cookie, and every copy of it, stop working)."""
    account.end_sessions()
    db.session.flush()


def check_password(account: Account, password: str) -> bool:
    """Whether `password` is the account's."""
    return bool(account.password_hash) and check_password_hash(account.password_hash, password)


def create_account(
    email: str,
    *,
    role: str = "member",
    password: str | None = None,
    organization: str | None = None,
    name: str | None = None,
    locale: str = "en",
    confirmed: bool = False,
) -> Account:
    """A new account with one role, acting for the organisation with slug `organization`.

    The affiliation is granted (confirmed), not claimed: this is how an admin creates an
    institution's account (`kb users create --organization`). Sign-up claims instead.
    """
    email = normalize_email(email)
    if role not in ROLES:
        raise ServiceError(
            "role", _("Unknown role; use one of: %(roles)s.", roles=", ".join(ROLES))
        )
    if find_account(email):
        raise ServiceError(
            "email", _("An account with this e-mail address exists already."), code="exists"
        )
    account = Account(email=email, name=name, locale=locale)
    org = None
    if organization:
        org = by_slug(Organization, organization)
        if org is None:
            raise ServiceError(
                "organization", _("No organization has the slug “%(slug)s”.", slug=organization)
            )
    if password is not None:
        set_password(account, password)
    if confirmed:
        account.confirmed_at = utcnow()
    account.add_role(role)
    db.session.add(account)
    db.session.flush()
    if org is not None:
        from kb.services.affiliations import grant

        grant(account, org, granted_by="admin")
    return account


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(
    account: Account, *, name: str | None = None, expires_in_days: int | None = None
) -> str:
    """A new API token for `account`; the secret is returned once, only its hash is kept.

    With `expires_in_days`, the token stops working that many days from now.
    """
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_TOKEN_DAYS:
        raise ServiceError(
            "expires_in_days",
            _("Choose between 1 and %(num)d days.", num=MAX_TOKEN_DAYS),
        )
    name = (name or "").strip() or None
    if name is not None and len(name) > 100:
        raise ServiceError("name", _("Use at most %(num)d characters.", num=100))
    expires_at = utcnow() + timedelta(days=expires_in_days) if expires_in_days else None
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(
        ApiToken(account=account, token_hash=_hash(secret), name=name, expires_at=expires_at)
    )
    db.session.flush()
    return secret


def account_for_token(secret: str) -> Account | None:
    """The active account a usable token belongs to, or None; notes when it was used."""
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _hash(secret)))
    if token is None or not token.usable() or not token.account.active:
        return None
    token.last_used_at = utcnow()
    return token.account


def tokens_of(account: Account) -> list[ApiToken]:
    """The account's tokens that still work, newest first."""
    now = utcnow()
    rows = db.session.scalars(
        sa.select(ApiToken)
        .where(ApiToken.account_id == account.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return [token for token in rows if token.usable(now)]


def revoke_token(account: Account, token_id: int) -> None:
    """Revoke one of the account's own tokens; another account's token is not found."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.account_id != account.id or token.revoked_at is not None:
        raise ServiceError("token", _("No such token."), code="not_found")
    token.revoked_at = utcnow()
    db.session.flush()


def revoke_tokens(account: Account) -> int:
    """Revoke every token of the account; how many were still unrevoked."""
    now = utcnow()
    count = 0
    for token in account.tokens:
        if token.revoked_at is None:
            token.revoked_at = now
            count += 1
    db.session.flush()
    return count


def deactivate(account: Account) -> None:
    """The account can no longer log in; its sessions and tokens stop working."""
    account.active = False
    account.end_sessions()
    revoke_tokens(account)


def reactivate(account: Account) -> None:
    """The account can log in again (its old sessions and tokens stay ended)."""
    account.active = True
    db.session.flush()
