"""The member directory, a member's page, and coordinators' changes to a membership."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import ValidationError

from kb.extensions import db
from kb.forms.membership import NoteForm, RoleChangeForm
from kb.schemas.membership import MemberArgs
from kb.services import choices, membership
from kb.services import members as member_service
from kb.services.common import NotFound, ServiceError
from kb.services.payloads import Invalid
from kb.views import bp
from kb.views.membership import ERROR_STATUS


@bp.get("/members/")
def members():
    """The network's members by country and role, filtered by kind and contribution."""
    try:
        args = MemberArgs().load(request.args)
    except ValidationError:  # a hand-edited filter: show every member
        return redirect(url_for("pages.members"))
    page = member_service.members(**args)
    countries = dict(choices.countries())
    return render_template(
        "members/list.html",
        page=page,
        args=args,
        counts=page.facets["country"],
        country_names=countries,
    )


def _member_page(item, role_form=None, end_form=None, errors=(), status=200):
    account = current_user._get_current_object() if current_user.is_authenticated else None
    return render_template(
        "members/member.html",
        item=item,
        coordinator=membership.is_coordinator(account),
        role_form=role_form or RoleChangeForm(prefix="role", formdata=None, role=item.role),
        end_form=end_form or NoteForm(prefix="end", formdata=None),
        errors=list(errors),
    ), status


@bp.get("/members/<slug>")
def member_page(slug: str):
    """A member: its role, since when, what it brings, its membership history."""
    try:
        item = membership.member(slug)
    except NotFound:
        account = current_user._get_current_object() if current_user.is_authenticated else None
        if not membership.is_coordinator(account):
            abort(404)
        try:  # coordinators also see ended memberships
            item = membership.membership_for_coordinator(slug, account)
        except ServiceError:
            abort(404)
    return _member_page(item)


def _coordinated(slug: str):
    account = current_user._get_current_object()
    if not membership.is_coordinator(account):
        abort(403)
    try:
        return account, membership.membership_for_coordinator(slug, account)
    except ServiceError:
        abort(404)


@bp.post("/members/<slug>/role")
@login_required
def change_member_role(slug: str):
    """Coordinators: give a member another role, with the reason."""
    account, item = _coordinated(slug)
    form = RoleChangeForm(prefix="role")
    if not form.validate_on_submit():
        return _member_page(item, role_form=form, status=422)
    try:
        membership.change_role(item, account, form.role.data, form.note.data)
    except Invalid as exc:
        db.session.rollback()
        form.note.errors = [*form.note.errors, *exc.fields.pop("note", [])]
        return _member_page(item, role_form=form, status=422)
    except ServiceError as exc:
        db.session.rollback()
        return _member_page(item, errors=[exc.message], status=ERROR_STATUS.get(exc.code, 422))
    db.session.commit()
    flash(_("The member's role is changed; its accounts are told by e-mail."))
    return redirect(url_for("pages.member_page", slug=item.organization.slug))


@bp.post("/members/<slug>/end")
@login_required
def end_membership(slug: str):
    """Coordinators: end a membership, saying why (it is kept, with its history)."""
    account, item = _coordinated(slug)
    form = NoteForm(prefix="end")
    if not form.validate_on_submit():
        return _member_page(item, end_form=form, status=422)
    try:
        membership.end(item, account, form.note.data)
    except Invalid as exc:
        db.session.rollback()
        form.note.errors = [*form.note.errors, *exc.fields.pop("note", [])]
        return _member_page(item, end_form=form, status=422)
    except ServiceError as exc:
        db.session.rollback()
        return _member_page(item, errors=[exc.message], status=ERROR_STATUS.get(exc.code, 422))
    db.session.commit()
    flash(_("The membership has ended; it stays in the history."))
    return redirect(url_for("pages.member_page", slug=item.organization.slug))
