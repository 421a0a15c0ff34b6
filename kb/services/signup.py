"""Institution accounts on the web: sign-up, e-mail confirmation, log-in and password reset.

Links in e-mails carry signed, timed tokens (itsdangerous, keyed by the app's secret).
A reset token also carries a fingerprint of the current password hash, so it stops
working once the password has changed. Answers never reveal whether an address has an
account: its owner is told by e-mail instead.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from kb.extensions import db
from kb.models import Account, Affiliation, Organization, Submission
from kb.models.base import utcnow
from kb.services import accounts, affiliations, submissions
from kb.services.accounts import (
    check_password,
    create_account,
    find_account,
    normalize_email,
    revoke_tokens,
    set_password,
)
from kb.services.common import ServiceError, by_slug
from kb.services.notices import (
    send_already_registered,
    send_confirmation,
    send_no_account,
    send_reset,
)
from kb.services.passwords import check_strength
from kb.services.payloads import Invalid, check_payload

CONFIRM_MAX_AGE = 7 * 24 * 3600
RESET_MAX_AGE = 2 * 3600
#: Compared against when no account has the address, so both answers take as long: one
#: per hash method, made with the method real passwords are hashed with.
_DUMMY_HASHES: dict[str, str] = {}


def _dummy_hash() -> str:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash("not the password of anyone", method)
    return _DUMMY_HASHES[method]


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=salt)


def _fingerprint(account: Account) -> str:
    return hashlib.sha256((account.password_hash or "").encode()).hexdigest()[:16]


def confirm_token(account: Account) -> str:
    """A token that confirms the account's e-mail address."""
    return _serializer("kb-confirm").dumps({"id": account.id, "email": account.email})


def reset_token(account: Account) -> str:
    """A token that lets the account's holder set a new password, once."""
    return _serializer("kb-reset").dumps({"id": account.id, "fp": _fingerprint(account)})


def _bad_link() -> ServiceError:
    return ServiceError(
        "token", _("This link is not valid or has expired; ask for a new one."), code="bad_token"
    )


def _load(salt: str, token: str, max_age: int) -> dict:
    try:
        data = _serializer(salt).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature) as exc:
        raise _bad_link() from exc
    return data if isinstance(data, dict) else {}


def check_proposal(payload: dict) -> None:
    """Refuse a proposed organisation that would not pass moderation's checks."""
    check_payload("organization", {**payload, "slug": "proposal"})


def sign_up(
    email: str,
    password: str,
    *,
    name: str | None,
    locale: str,
    organization: str | None = None,
    proposal: dict | None = None,
) -> Account | None:
    """A new, unconfirmed account; the confirmation link is e-mailed.

    With `organization` (a slug), the account asks to act for that organisation: a claim
    that moderators confirm or decline. With `proposal`, a new organisation is proposed
    instead (sent to the moderators once the address is confirmed). For an address that
    has an account already, nothing is created: its owner is told by e-mail, and None is
    returned. Both ways do the same expensive work (the password is hashed, one
    e-mail is queued), so neither the page nor its timing tells whether the address has an
    account.
    """
    email = normalize_email(email)
    check_strength(password, email=email, name=name)
    if proposal is not None:
        check_proposal(proposal)
    chosen = _published_organization(organization) if organization else None
    existing = find_account(email)
    if existing is not None:
        accounts.hash_password(password)  # the work a new account's password costs
        send_already_registered(existing)
        return None
    account = create_account(email, password=password, name=name, locale=locale)
    if chosen is not None:
        affiliations.claim(account, chosen)
    if proposal is not None:
        submissions.start(account, "organization", proposal)
    send_confirmation(account, confirm_token(account))
    return account


def confirm(token: str) -> Account:
    """Confirm the address the token was sent to; proposals made at sign-up go to review."""
    data = _load("kb-confirm", token, CONFIRM_MAX_AGE)
    account = db.session.get(Account, data.get("id") or 0)
    if account is None or account.email != data.get("email"):
        raise _bad_link()
    if account.confirmed_at is None:
        account.confirmed_at = utcnow()
        drafts = db.session.scalars(
            sa.select(Submission).where(
                Submission.account_id == account.id,
                Submission.record_type == "organization",
                Submission.state == "draft",
            )
        )
        for submission in drafts:
            try:
                submissions.submit(submission, account)
            except Invalid:  # the directory changed meanwhile: it stays a draft to fix
                continue
    db.session.flush()
    return account


def authenticate(email: str, password: str) -> Account:
    """The active account with these credentials; one ServiceError for any wrong pair."""
    try:
        account = find_account(email)
    except ServiceError:
        account = None
    if account is None or not account.active:
        check_password_hash(_dummy_hash(), password or "")
        raise ServiceError(
            None, _("The e-mail address or the password is not right."), code="wrong_login"
        )
    if not check_password(account, password or ""):
        raise ServiceError(
            None, _("The e-mail address or the password is not right."), code="wrong_login"
        )
    if account.confirmed_at is None:
        raise ServiceError(
            None,
            _("Confirm your e-mail address first: follow the link we sent you."),
            code="unconfirmed",
        )
    return account


def request_reset(email: str, lang: str) -> None:
    """E-mail a reset link if an active account has this address; else tell the address.

    Either way one e-mail is queued to the address (never an answer to whoever asked), so
    the work and the page are the same. Something that is not an address gets the same page
    and no e-mail: there is nobody to write to, and it says nothing about any account.
    """
    try:
        email = normalize_email(email)
    except ServiceError:
        return
    account = find_account(email)
    if account is not None and account.active:
        send_reset(account, reset_token(account))
    else:
        send_no_account(email, "reset", lang)


def resend_confirmation(email: str, lang: str) -> None:
    """E-mail the confirmation link again to an account waiting for it; else tell the address.

    The same work and page whether or not such an account exists (see `request_reset`).
    """
    try:
        email = normalize_email(email)
    except ServiceError:
        return
    account = find_account(email)
    if account is not None and account.active and account.confirmed_at is None:
        send_confirmation(account, confirm_token(account))
    else:
        send_no_account(email, "confirm", lang)


def reset_password(token: str, password: str) -> Account:
    """Set a new password with a reset token; the address is thereby confirmed too.

    Every session of the account ends and every API token is revoked: a reset is for
    someone who lost control of the account, so nothing made with the old password stays.
    """
    account = account_for_reset(token)
    set_password(account, password)  # ends every session
    revoke_tokens(account)  # whoever had the old password may have made tokens too
    if account.confirmed_at is None:
        account.confirmed_at = utcnow()
    db.session.flush()
    return account


def account_for_reset(token: str) -> Account:
    """The account a reset token was issued for, while the token is still good."""
    data = _load("kb-reset", token, RESET_MAX_AGE)
    account = db.session.get(Account, data.get("id") or 0)
    if account is None or not account.active or data.get("fp") != _fingerprint(account):
        raise _bad_link()
    return account


def _published_organization(slug: str) -> Organization:
    organization = by_slug(Organization, slug)
    if organization is None or not organization.is_published:
        raise ServiceError("organization", _("No organization has the slug “%(slug)s”.", slug=slug))
    return organization


def choose_organization(
    account: Account, slug: str | None = None, proposal: dict | None = None
) -> Submission | Affiliation | None:
    """Ask to act for a directory organisation (`slug`), or propose a new one for moderation.

    Asking grants nothing: it is a claim (returned) that a moderator confirms or declines
    (see `kb.services.affiliations`). Choosing nothing stops acting for any organisation.
    A proposal replaces one the moderators returned.
    """
    if slug:
        return affiliations.claim(account, _published_organization(slug))
    if proposal is None:
        affiliations.leave(account)
        return None
    check_proposal(proposal)
    current = db.session.scalar(
        sa.select(Submission).where(
            Submission.account_id == account.id,
            Submission.record_type == "organization",
            Submission.state.in_(("draft", "returned", "pending")),
        )
    )
    if current is not None and current.state == "pending":
        raise ServiceError(
            "organization",
            _("Your proposal of an organization is being reviewed; wait for the answer."),
            code="conflict",
        )
    if current is None:
        current = submissions.start(account, "organization", proposal)
    else:
        submissions.update(current, account, proposal, None)
    submissions.submit(current, account)
    return current
