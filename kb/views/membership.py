"""Membership pages: applying to join the network, the coordinators' queue and decisions."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from kb.extensions import db
from kb.forms.membership import ApplicationForm, ApprovalForm, NoteForm, ReasonForm
from kb.models import APPLICATION_STATES
from kb.schemas.args import MAX_PAGE
from kb.services import choices, membership, roles
from kb.services.common import ServiceError
from kb.services.payloads import Invalid
from kb.views import bp

ERROR_STATUS = {"forbidden": 403, "not_found": 404, "conflict": 409, "already_decided": 409}


def _me():
    return current_user._get_current_object()


def _page_number() -> int:
    page = request.args.get("page", "1")
    return int(page) if page.isascii() and page.isdigit() and 0 < int(page) <= MAX_PAGE else 1


@bp.route("/membership/apply", methods=["GET", "POST"])
@login_required
def apply_for_membership():
    """Apply to join the network for the institution one's account acts for (confirmed)."""
    account = _me()
    organization = account.organization
    if organization is None:
        return render_template("membership/apply.html", form=None, organization=None), 403
    waiting = membership.open_application(organization)
    if waiting is not None:
        return redirect(url_for("pages.membership_application", application_id=waiting.id))
    form = ApplicationForm()
    form.set_choices(choices.countries())
    if request.method == "GET":
        form.statement_language.data = g.lang
        form.kind.data = organization.kind
        form.country.data = organization.country.code if organization.country else ""
        form.contact_name.data = account.name
        form.contact_email.data = account.email
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            item = membership.apply(account, form.data_for_service())
        except Invalid as exc:
            db.session.rollback()
            errors = form.show_errors(exc.fields)
        except ServiceError as exc:
            db.session.rollback()
            errors = [exc.message]
        else:
            db.session.commit()
            flash(_("Your application was sent to the network's coordinators."))
            return redirect(url_for("pages.membership_application", application_id=item.id))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "membership/apply.html", form=form, organization=organization, errors=errors
    ), status


def _show(item, forms=None, errors=(), status=200):
    account = _me()
    forms = forms or {}
    return render_template(
        "membership/application.html",
        item=item,
        coordinator=membership.is_coordinator(account),
        own=account.organization_id == item.organization_id,
        answer_form=forms.get("answer") or NoteForm(prefix="answer", formdata=None),
        ask_form=forms.get("ask") or NoteForm(prefix="ask", formdata=None),
        decline_form=forms.get("decline") or NoteForm(prefix="decline", formdata=None),
        approve_form=forms.get("approve") or ApprovalForm(prefix="approve", formdata=None),
        errors=list(errors),
    ), status


@bp.get("/membership/applications/<int:application_id>")
@login_required
def membership_application(application_id: int):
    """An application, its history and what can be done with it now."""
    try:
        item = membership.visible(application_id, _me())
    except ServiceError:
        abort(404)
    return _show(item)


ACTIONS = {
    "answer": (membership.answer, lambda: _("Your answer was sent to the coordinators.")),
    "ask": (membership.ask, lambda: _("Your question was sent to the institution.")),
    "decline": (membership.decline, lambda: _("Declined; the institution is told why.")),
    "approve": (membership.approve, lambda: _("Approved: the institution is a member now.")),
}


@bp.post("/membership/applications/<int:application_id>/<any(answer, ask, decline, approve):act>")
@login_required
def act_on_application(application_id: int, act: str):
    """Answer (the institution) or decide (a coordinator) on an application."""
    account = _me()
    try:
        item = membership.visible(application_id, account)
    except ServiceError:
        abort(404)
    if act != "answer" and not membership.is_coordinator(account):
        abort(403)
    form = (ApprovalForm if act == "approve" else NoteForm)(prefix=act)
    if not form.validate_on_submit():
        return _show(item, {act: form}, status=422)
    do, done = ACTIONS[act]
    extra = {"role": form.role.data} if act == "approve" else {}
    try:
        do(item, account, note=form.note.data, **extra)
    except Invalid as exc:
        db.session.rollback()
        form.note.errors = [*form.note.errors, *exc.fields.pop("note", [])]
        rest = [m for messages in exc.fields.values() for m in messages]
        return _show(item, {act: form}, rest, 422)
    except ServiceError as exc:
        db.session.rollback()
        return _show(item, {act: form}, [exc.message], ERROR_STATUS.get(exc.code, 422))
    db.session.commit()
    flash(done())
    if act == "answer":
        return redirect(url_for("pages.membership_application", application_id=item.id))
    return redirect(url_for("pages.coordination"))


@bp.get("/coordination/")
@login_required
def coordination():
    """Coordinators' queue: applications to join the network, by state."""
    account = _me()
    if not membership.is_coordinator(account):
        abort(403)
    state = request.args.get("state", "pending")
    state = state if state in APPLICATION_STATES else None
    result = membership.queue(account, state=state, page=_page_number())
    return render_template(
        "membership/queue.html",
        page=result,
        state=state or "",
        states=APPLICATION_STATES,
        role_requests=roles.requests_queue(account, per_page=100),
        reason_form=ReasonForm(formdata=None),
    )


@bp.app_template_global("membership_status")
def membership_status(organization) -> dict:
    """For the account page: the institution's membership and its open application."""
    if organization is None:
        return {}
    member = membership.membership_of(organization)
    return {
        "member": member if member is not None and member.active else None,
        "application": membership.open_application(organization),
    }
