"""Roles on the web: admins grant and revoke them; coordinators decide requests for one.

Every grant and revocation is a `RoleChange` (who, when, why), visible to admins. An
institution's account whose affiliation is confirmed may ask for the organizer role for
its institution; a coordinator who does not act for that institution decides, with the
same serialisation as moderation (a conditional UPDATE on the request's state), and the
asker is told by e-mail in their language.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from kb.extensions import db
from kb.models import ROLES, Account, RoleChange, RoleRequest
from kb.models.base import utcnow
from kb.services.common import NotFound, Page, ServiceError, paginate
from kb.services.membership import is_coordinator
from kb.services.notices import _queue, in_language
from kb.services.payloads import Invalid
from kb.services.submissions import Forbidden
from kb.urls import absolute_url

MAX_REASON = 2000


def _reason(reason: str | None, required: bool = True) -> str | None:
    reason = (reason or "").strip()
    if required and not reason:
        raise Invalid({"reason": [_("Say why; it is kept in the log.")]})
    if len(reason) > MAX_REASON:
        raise Invalid({"reason": [_("Longer than %(max)d characters.", max=MAX_REASON)]})
    return reason or None


def log(
    account: Account,
    role: str,
    action: str,
    *,
    by: Account | None = None,
    process: str | None = None,
    reason: str | None = None,
) -> RoleChange:
    """Record one grant or revocation."""
    change = RoleChange(
        account=account, role=role, action=action, by=by, process=process, reason=reason
    )
    db.session.add(change)
    return change


def _check_admin(admin: Account | None, role: str) -> None:
    if admin is None or not admin.has_role("admin"):
        raise Forbidden()
    if role not in ROLES:
        raise Invalid({"role": [_("Unknown role; use one of: %(roles)s.", roles=", ".join(ROLES))]})


def grant(account: Account, role: str, admin: Account, reason: str | None) -> bool:
    """An admin grants `role`; False (and nothing logged) if the account holds it already."""
    _check_admin(admin, role)
    reason = _reason(reason)
    if role in account.roles:
        return False
    account.add_role(role)
    log(account, role, "granted", by=admin, reason=reason)
    db.session.flush()
    return True


def revoke(account: Account, role: str, admin: Account, reason: str | None) -> bool:
    """An admin revokes `role`; False if the account does not hold it.

    An admin cannot take their own admin role (someone else must), so that the site is
    never left without one by a slip.
    """
    _check_admin(admin, role)
    reason = _reason(reason)
    if role == "admin" and account.id == admin.id:
        raise Forbidden(_("You cannot revoke your own admin role; another admin must."))
    row = next((r for r in account.role_rows if r.role == role), None)
    if row is None:
        return False
    account.role_rows.remove(row)
    if not account.role_rows:  # every account is at least a member
        account.add_role("member")
    log(account, role, "revoked", by=admin, reason=reason)
    db.session.flush()
    return True


def changes(account: Account | None = None, *, page: int = 1, per_page: int = 50) -> Page:
    """The log, newest first: of one account, or of everyone."""
    query = sa.select(RoleChange).order_by(RoleChange.created_at.desc(), RoleChange.id.desc())
    if account is not None:
        query = query.where(RoleChange.account_id == account.id)
    return paginate(query, page, per_page)


def open_request(account: Account) -> RoleRequest | None:
    """The account's request awaiting a decision, if any."""
    return db.session.scalar(
        sa.select(RoleRequest).where(
            RoleRequest.account_id == account.id, RoleRequest.state == "pending"
        )
    )


def last_request(account: Account) -> RoleRequest | None:
    """The account's newest request, whatever its state."""
    return db.session.scalar(
        sa.select(RoleRequest)
        .where(RoleRequest.account_id == account.id)
        .order_by(RoleRequest.id.desc())
        .limit(1)
    )


def request_organizer(account: Account, message: str | None) -> RoleRequest:
    """Ask for the organizer role for the institution the account acts for (confirmed)."""
    if account.organization is None:
        raise Forbidden(
            _("Only an account whose affiliation with an institution is confirmed may ask.")
        )
    if "organizer" in account.roles or account.has_role("admin"):
        raise ServiceError(None, _("You hold the organizer role already."), code="conflict")
    if open_request(account) is not None:
        raise ServiceError(None, _("Your request is waiting for a coordinator."), code="conflict")
    message = (message or "").strip() or None
    if message and len(message) > MAX_REASON:
        raise Invalid({"message": [_("Longer than %(max)d characters.", max=MAX_REASON)]})
    item = RoleRequest(
        account=account, organization=account.organization, role="organizer", message=message
    )
    db.session.add(item)
    db.session.flush()
    return item


def requests_queue(coordinator: Account | None, *, page: int = 1, per_page: int = 20) -> Page:
    """Requests for a role awaiting a decision, oldest first (coordinators only)."""
    if not is_coordinator(coordinator):
        raise Forbidden()
    query = (
        sa.select(RoleRequest)
        .where(RoleRequest.state == "pending")
        .order_by(RoleRequest.created_at, RoleRequest.id)
    )
    return paginate(query, page, per_page)


def get_request(request_id: int, coordinator: Account | None) -> RoleRequest:
    """A request, for coordinators; NotFound for anyone else."""
    item = db.session.get(RoleRequest, request_id)
    if item is None or not is_coordinator(coordinator):
        raise NotFound()
    return item


def decide(item: RoleRequest, coordinator: Account, grant_it: bool, note: str | None) -> None:
    """Grant or decline a request; the asker is told by e-mail."""
    if not is_coordinator(coordinator):
        raise Forbidden()
    if coordinator.organization_id == item.organization_id or coordinator.id == item.account_id:
        raise Forbidden(
            _("You cannot decide on a request from your own institution; another coordinator must.")
        )
    note = _reason(note, required=not grant_it)
    result = db.session.execute(
        sa.update(RoleRequest)
        .where(RoleRequest.id == item.id, RoleRequest.state == "pending")
        .values(decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(item)
    if result.rowcount != 1:
        raise ServiceError(
            None, _("Someone has decided on this request already."), code="already_decided"
        )
    account = item.account
    if grant_it and account.organization_id != item.organization_id:
        raise ServiceError(
            None,
            _("This person no longer acts for the institution; decline the request."),
            code="conflict",
        )
    item.state = "granted" if grant_it else "declined"
    item.decided_by = coordinator
    item.note = note
    if grant_it and "organizer" not in account.roles:
        account.add_role("organizer")
        log(
            account,
            "organizer",
            "granted",
            by=coordinator,
            reason=note or _("Request %(id)s, for its institution.", id=item.id),
        )
    db.session.flush()
    _tell(item)


def _tell(item: RoleRequest) -> None:
    account = item.account
    with in_language(account.locale) as lang:
        granted = item.state == "granted"
        _queue(
            account,
            "role_request_decided",
            (lambda: _("You are an event organizer now"))
            if granted
            else (lambda: _("Not granted: the organizer role")),
            f"role-request:{item.id}:{item.state}",
            item=item,
            granted=granted,
            url=absolute_url("pages.account", lang=lang),
        )
