"""Moderators' pages: the queue, and the decisions on a submission."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from kb.extensions import db
from kb.forms.moderation import AffiliationDecisionForm, decision_forms
from kb.models import SUBMISSION_STATES, SUBMISSION_TYPES
from kb.schemas.args import MAX_PAGE
from kb.services import affiliations, choices, moderation, submissions
from kb.services.common import ServiceError
from kb.services.payloads import Invalid
from kb.services.submissions import Forbidden
from kb.views import bp
from kb.views.submissions import show_submission


@bp.get("/moderation/")
@login_required
def queue():
    """Submissions to review, filtered by state, country and record type."""
    account = current_user._get_current_object()
    if not submissions.is_moderator(account):
        abort(403)
    state = request.args.get("state", "pending")
    state = state if state in SUBMISSION_STATES and state != "draft" else None
    country = (request.args.get("country") or "").upper() or None
    record_type = request.args.get("type")
    record_type = record_type if record_type in SUBMISSION_TYPES else None
    page = request.args.get("page", "1")
    page = int(page) if page.isascii() and page.isdigit() and 0 < int(page) <= MAX_PAGE else 1
    result = submissions.queue(
        account, state=state, country=country, record_type=record_type, page=page
    )
    return render_template(
        "submissions/queue.html",
        page=result,
        state=state or "",
        country=country or "",
        record_type=record_type or "",
        countries=choices.countries(),
    )


DONE = {
    "approve": lambda: _("Approved and published."),
    "return": lambda: _("Returned to the submitter with your reason."),
    "reject": lambda: _("Rejected; the submitter is told why."),
}


@bp.post("/submissions/<int:submission_id>/<any(approve, return, reject):decision>")
@login_required
def decide(submission_id: int, decision: str):
    """Approve, return or reject a pending submission."""
    account = current_user._get_current_object()
    item = submissions.visible(submission_id, account)
    forms = decision_forms(request.form, posted=decision)
    form = forms[decision]
    if not form.validate():
        return show_submission(item, forms, status=422)
    try:
        if decision == "approve":
            moderation.approve(item, account, form.reason.data)
        elif decision == "return":
            moderation.send_back(item, account, form.reason.data)
        else:
            moderation.reject(item, account, form.reason.data)
    except Forbidden as exc:
        db.session.rollback()
        return show_submission(item, forms, status=403, errors=[exc.message])
    except Invalid as exc:
        db.session.rollback()
        form.reason.errors = [*form.reason.errors, *exc.fields.pop("reason", [])]
        rest = [m for messages in exc.fields.values() for m in messages]
        return show_submission(item, forms, status=422, errors=rest)
    except ServiceError as exc:
        db.session.rollback()
        return show_submission(item, forms, status=409, errors=[exc.message])
    db.session.commit()
    flash(DONE[decision]())
    return redirect(url_for("pages.queue"))


def _affiliation_page(account, errors=(), status=200, form=None):
    page = request.args.get("page", "1")
    page = int(page) if page.isascii() and page.isdigit() and 0 < int(page) <= MAX_PAGE else 1
    result = affiliations.queue(account, page=page)
    return render_template(
        "submissions/affiliations.html",
        page=result,
        form=form or AffiliationDecisionForm(formdata=None),
        errors=list(errors),
    ), status


@bp.get("/moderation/affiliations")
@login_required
def affiliation_queue():
    """Requests to act for an organisation, awaiting a moderator's decision."""
    account = current_user._get_current_object()
    if not submissions.is_moderator(account):
        abort(403)
    return _affiliation_page(account)


AFFILIATION_DONE = {
    "confirm": lambda: _("Confirmed; the person is told by e-mail."),
    "decline": lambda: _("Declined; the person is told by e-mail."),
}
ERROR_STATUS = {"forbidden": 403, "not_found": 404, "conflict": 409}


@bp.post("/moderation/affiliations/<int:affiliation_id>/<any(confirm, decline):decision>")
@login_required
def decide_affiliation(affiliation_id: int, decision: str):
    """Confirm or decline one request to act for an organisation."""
    account = current_user._get_current_object()
    if not submissions.is_moderator(account):
        abort(403)
    form = AffiliationDecisionForm()
    if not form.validate_on_submit():
        errors = [m for messages in form.errors.values() for m in messages]
        return _affiliation_page(account, errors, 422, form)
    try:
        item = affiliations.visible(affiliation_id, account)
        decide = affiliations.confirm if decision == "confirm" else affiliations.decline
        decide(item, account, form.reason.data)
    except ServiceError as exc:
        db.session.rollback()
        return _affiliation_page(account, [exc.message], ERROR_STATUS.get(exc.code, 422), form)
    db.session.commit()
    flash(AFFILIATION_DONE[decision]())
    return redirect(url_for("pages.affiliation_queue"))
