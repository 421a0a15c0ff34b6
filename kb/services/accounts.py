"""Accounts: creating them, passwords, roles and API tokens."""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from kb.extensions import db
from kb.models import ROLES, Account, ApiToken, Organization
from kb.models.base import utcnow
from kb.services.common import ServiceError, by_slug

MIN_PASSWORD = 10
TOKEN_PREFIX = "kb_"


def normalize_email(email: str, field: str = "email") -> str:
    """The e-mail address in its normal form; a ServiceError if it is not one."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ServiceError(field, _("Not a valid e-mail address.")) from exc


def find_account(email: str) -> Account | None:
    """The account with this e-mail address, if any."""
    return db.session.scalar(sa.select(Account).where(Account.email == normalize_email(email)))


def set_password(account: Account, password: str) -> None:
    """Set the account's password (only a salted hash is stored)."""
    if len(password or "") < MIN_PASSWORD:
        raise ServiceError("password", _("Use at least %(num)d characters.", num=MIN_PASSWORD))
    account.password_hash = generate_password_hash(password)


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


def issue_token(account: Account) -> str:
    """A new API token for `account`; the secret is returned once, only its hash is kept."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(account=account, token_hash=_hash(secret)))
    db.session.flush()
    return secret


def account_for_token(secret: str) -> Account | None:
    """The active account a token belongs to, or None; notes when the token was used."""
    token = db.session.scalar(
        sa.select(ApiToken).where(
            ApiToken.token_hash == _hash(secret), ApiToken.revoked_at.is_(None)
        )
    )
    if token is None or not token.account.active:
        return None
    token.last_used_at = utcnow()
    return token.account
