"""API tokens on the account page (make, list, revoke) and an administrator's account tools."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from kb.extensions import db
from kb.forms.accounts import AccountLookupForm, PlainForm, TokenForm
from kb.models import Account
from kb.services import accounts as account_service
from kb.services.common import ServiceError
from kb.views import bp
from kb.views.accounts import _account_page


@bp.post("/account/tokens")
@login_required
def new_token():
    """Make an API token; its secret is shown this once."""
    form = TokenForm(prefix="token")
    if not form.validate_on_submit():
        return _account_page(token_form=form, status=422)
    secret = account_service.issue_token(
        current_user._get_current_object(), name=form.name.data, expires_in_days=form.days()
    )
    db.session.commit()
    return _account_page(new_token=secret)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    """Revoke one of one's own tokens."""
    if not PlainForm().validate_on_submit():
        abort(400)
    try:
        account_service.revoke_token(current_user._get_current_object(), token_id)
    except ServiceError:
        abort(404)
    db.session.commit()
    flash(_("The token is revoked; it no longer works."))
    return redirect(url_for("pages.account") + "#tokens-h")


def _admin() -> Account:
    account = current_user._get_current_object()
    if not account.has_role("admin"):
        abort(403)
    return account


@bp.get("/account/users/")
@login_required
def users():
    """Administrators: find an account by e-mail address, to revoke its tokens or deactivate it."""
    _admin()
    form = AccountLookupForm(request.args, meta={"csrf": False})
    found, searched = None, bool(request.args.get("email"))
    if searched and form.validate():
        try:
            found = account_service.find_account(form.email.data)
        except ServiceError as exc:
            form.email.errors = [*form.email.errors, exc.message]
    tokens = account_service.tokens_of(found) if found else []
    return render_template(
        "account/users.html",
        form=form,
        found=found,
        searched=searched,
        tokens=tokens,
    )


def _target(account_id: int) -> Account:
    _admin()
    if not PlainForm().validate_on_submit():
        abort(400)
    account = db.session.get(Account, account_id)
    if account is None:
        abort(404)
    return account


def _back(account: Account):
    return redirect(url_for("pages.users", email=account.email))


@bp.post("/account/users/<int:account_id>/revoke-tokens")
@login_required
def revoke_user_tokens(account_id: int):
    """Administrators: revoke every API token of an account."""
    account = _target(account_id)
    count = account_service.revoke_tokens(account)
    db.session.commit()
    flash(ngettext("%(num)d token revoked.", "%(num)d tokens revoked.", count))
    return _back(account)


@bp.post("/account/users/<int:account_id>/deactivate")
@login_required
def deactivate_user(account_id: int):
    """Administrators: the account can no longer log in; its sessions and tokens end."""
    account = _target(account_id)
    if account.id == current_user.id:
        flash(_("You cannot deactivate your own account."))
        return _back(account)
    account_service.deactivate(account)
    db.session.commit()
    flash(_("The account is deactivated."))
    return _back(account)


@bp.post("/account/users/<int:account_id>/reactivate")
@login_required
def reactivate_user(account_id: int):
    """Administrators: the account can log in again."""
    account = _target(account_id)
    account_service.reactivate(account)
    db.session.commit()
    flash(_("The account is active again."))
    return _back(account)
