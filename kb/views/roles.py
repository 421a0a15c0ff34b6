"""Roles on the web: admins grant and revoke them; an institution asks for the organizer role."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from kb.extensions import db
from kb.forms.membership import OrganizerRequestForm, ReasonForm, RoleGrantForm
from kb.models import ROLES, Account
from kb.services import affiliations, roles
from kb.services.common import ServiceError
from kb.services.payloads import Invalid
from kb.services.waiting import header_counts
from kb.views import bp


def _messages(exc: ServiceError) -> str:
    if isinstance(exc, Invalid):
        return " ".join(m for messages in exc.fields.values() for m in messages)
    return exc.message


def _admin_target(account_id: int) -> tuple[Account, Account]:
    admin = current_user._get_current_object()
    if not admin.has_role("admin"):
        abort(403)
    account = db.session.get(Account, account_id)
    if account is None:
        abort(404)
    return admin, account


def _back(account: Account):
    return redirect(url_for("pages.users", email=account.email) + "#roles-h")


@bp.post("/account/users/<int:account_id>/roles")
@login_required
def grant_role(account_id: int):
    """Administrators: grant a role, saying why."""
    admin, account = _admin_target(account_id)
    form = RoleGrantForm()
    if not form.validate_on_submit():
        flash(" ".join(m for messages in form.errors.values() for m in messages))
        return _back(account)
    try:
        done = roles.grant(account, form.role.data, admin, form.reason.data)
    except ServiceError as exc:
        db.session.rollback()
        flash(_messages(exc))
        return _back(account)
    db.session.commit()
    flash(_("The role is granted.") if done else _("The account holds this role already."))
    return _back(account)


@bp.post("/account/users/<int:account_id>/roles/<role>/revoke")
@login_required
def revoke_role(account_id: int, role: str):
    """Administrators: revoke a role, saying why."""
    admin, account = _admin_target(account_id)
    if role not in ROLES:
        abort(404)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(" ".join(m for messages in form.errors.values() for m in messages))
        return _back(account)
    try:
        done = roles.revoke(account, role, admin, form.reason.data)
    except ServiceError as exc:
        db.session.rollback()
        flash(_messages(exc))
        return _back(account)
    db.session.commit()
    flash(_("The role is revoked.") if done else _("The account does not hold this role."))
    return _back(account)


@bp.post("/account/organizer-request")
@login_required
def request_organizer_role():
    """An institution's confirmed account asks for the organizer role."""
    form = OrganizerRequestForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        roles.request_organizer(current_user._get_current_object(), form.message.data)
    except ServiceError as exc:
        db.session.rollback()
        flash(_messages(exc))
        return redirect(url_for("pages.account"))
    db.session.commit()
    flash(_("Your request was sent to the network's coordinators; you will be told by e-mail."))
    return redirect(url_for("pages.account"))


@bp.post("/coordination/role-requests/<int:request_id>/<any(grant, decline):decision>")
@login_required
def decide_role_request(request_id: int, decision: str):
    """Coordinators: grant or decline a request for the organizer role."""
    coordinator = current_user._get_current_object()
    try:
        item = roles.get_request(request_id, coordinator)
    except ServiceError:
        abort(404)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        roles.decide(item, coordinator, decision == "grant", form.reason.data)
    except ServiceError as exc:
        db.session.rollback()
        flash(_messages(exc))
        return redirect(url_for("pages.coordination") + "#role-requests-h")
    db.session.commit()
    flash(
        _("Granted; the person is told by e-mail.")
        if decision == "grant"
        else _("Declined; the person is told by e-mail.")
    )
    return redirect(url_for("pages.coordination") + "#role-requests-h")


@bp.app_template_global("role_log")
def role_log(account=None):
    """For admins' pages: the newest grants and revocations (of one account, or all)."""
    return roles.changes(account, per_page=50).items


@bp.app_template_global("organizer_request_status")
def organizer_request_status(account) -> dict:
    """For the account page: whether it may ask for the organizer role, and its request."""
    may = account.organization is not None and "organizer" not in account.roles
    return {
        "may_ask": may and roles.open_request(account) is None,
        "request": roles.last_request(account),
        "form": OrganizerRequestForm(formdata=None),
    }


@bp.app_template_global("role_grant_form")
def role_grant_form() -> RoleGrantForm:
    """The admins' form to grant a role (the users page)."""
    return RoleGrantForm(formdata=None)


@bp.app_template_global("waiting_counts")
def waiting_counts() -> dict:
    """For the header of moderators and coordinators: what waits in their queues."""
    return header_counts(current_user._get_current_object())


@bp.app_template_global("open_claim")
def open_claim(account):
    """For the admins' users page: the account's request to act for an organisation."""
    return affiliations.open_claim(account)
