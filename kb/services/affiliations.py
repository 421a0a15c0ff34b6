"""Affiliations: who acts for an organisation. Asked for by the account, granted by others.

An account *claims* an organisation of the directory; the claim grants nothing. A
moderator or an admin confirms it (then `Account.organization` is set, which is what every
organisation-dependent permission reads) or declines it; the account's holder is told by
e-mail in their language either way. Nobody decides on their own claim, and a claim from an
address that was never confirmed waits until it is (anyone can type someone else's address).

Granted without a claim: by an admin on the command line (`kb users create --organization`),
and when a moderator approves the new organisation the account proposed.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from kb.extensions import db
from kb.models import Account, Affiliation, Organization
from kb.models.base import utcnow
from kb.services.common import NotFound, Page, ServiceError, paginate
from kb.services.notices import notify_affiliation
from kb.services.payloads import Invalid
from kb.services.submissions import Forbidden, is_moderator

MAX_REASON = 2000


def open_claim(account: Account) -> Affiliation | None:
    """The account's claim awaiting a decision, if any (there is at most one)."""
    return db.session.scalar(
        sa.select(Affiliation).where(
            Affiliation.account_id == account.id, Affiliation.state == "claimed"
        )
    )


def last_decision(account: Account) -> Affiliation | None:
    """The account's most recently decided claim (to show a decline and its reason)."""
    return db.session.scalar(
        sa.select(Affiliation)
        .where(Affiliation.account_id == account.id, Affiliation.decided_by_id.is_not(None))
        .order_by(Affiliation.decided_at.desc(), Affiliation.id.desc())
        .limit(1)
    )


def _withdraw_open(account: Account) -> None:
    claim = open_claim(account)
    if claim is not None:
        claim.state = "withdrawn"
        claim.decided_at = utcnow()


def claim(account: Account, organization: Organization) -> Affiliation | None:
    """Ask to act for `organization`; grants nothing until confirmed.

    A claim replaces the account's earlier open claim. Asking for the organisation the
    account already acts for asks nothing (None); a confirmed affiliation stays in force
    until a claim for another organisation is confirmed.
    """
    if not organization.is_published:
        raise ServiceError(
            "organization", _("No organization has the slug “%(slug)s”.", slug=organization.slug)
        )
    current = open_claim(account)
    if account.organization_id == organization.id:
        _withdraw_open(account)
        db.session.flush()
        return None
    if current is not None and current.organization_id == organization.id:
        return current
    _withdraw_open(account)
    item = Affiliation(account=account, organization=organization, state="claimed")
    db.session.add(item)
    db.session.flush()
    return item


def leave(account: Account) -> None:
    """Stop acting for any organisation, and withdraw an open claim."""
    _withdraw_open(account)
    account.organization = None
    db.session.flush()


def grant(
    account: Account,
    organization: Organization,
    *,
    by: Account | None = None,
    granted_by: str | None = None,
) -> Affiliation:
    """Confirm `account` as acting for `organization` without a claim (an admin's act)."""
    _withdraw_open(account)
    item = Affiliation(
        account=account,
        organization=organization,
        state="confirmed",
        decided_at=utcnow(),
        decided_by=by,
        granted_by=granted_by,
    )
    db.session.add(item)
    account.organization = organization
    db.session.flush()
    return item


def _claimants():
    return sa.select(Account.id).where(Account.confirmed_at.is_not(None), Account.active)


def queue(moderator: Account | None, *, page: int = 1, per_page: int = 20) -> Page:
    """Claims awaiting a decision, oldest first (only from confirmed, active addresses)."""
    if not is_moderator(moderator):
        raise Forbidden()
    query = (
        sa.select(Affiliation)
        .where(Affiliation.state == "claimed", Affiliation.account_id.in_(_claimants()))
        .order_by(Affiliation.created_at, Affiliation.id)
    )
    return paginate(query, page, per_page)


def visible(affiliation_id: int, account: Account | None) -> Affiliation:
    """A claim, for its own account and for moderators; NotFound for anyone else."""
    item = db.session.get(Affiliation, affiliation_id)
    if item is None or account is None:
        raise NotFound()
    if item.account_id != account.id and not is_moderator(account):
        raise NotFound()
    return item


def _check(item: Affiliation, moderator: Account | None) -> None:
    if not is_moderator(moderator):
        raise Forbidden()
    if item.account_id == moderator.id:
        raise Forbidden(_("You cannot decide on your own request; another moderator must."))
    if item.state != "claimed":
        raise ServiceError(
            None, _("Only a request awaiting a decision can be decided on."), code="conflict"
        )
    account = item.account
    if account.confirmed_at is None or not account.active:
        raise ServiceError(
            None,
            _("This account has not confirmed its e-mail address; wait until it has."),
            code="conflict",
        )


def _reason(reason: str | None) -> str | None:
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise Invalid({"reason": [_("Longer than %(max)d characters.", max=MAX_REASON)]})
    return reason or None


def confirm(item: Affiliation, moderator: Account, reason: str | None = None) -> None:
    """Grant the claim: the account acts for the organisation from now on."""
    _check(item, moderator)
    item.reason = _reason(reason)
    item.state = "confirmed"
    item.decided_at = utcnow()
    item.decided_by = moderator
    item.account.organization = item.organization
    db.session.flush()
    notify_affiliation(item)


def decline(item: Affiliation, moderator: Account, reason: str | None = None) -> None:
    """Refuse the claim; the account's affiliation stays as it was."""
    _check(item, moderator)
    item.reason = _reason(reason)
    item.state = "declined"
    item.decided_at = utcnow()
    item.decided_by = moderator
    db.session.flush()
    notify_affiliation(item)
