"""Moderators' pages: the queue, and the decisions on a submission."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from kb.extensions import db
from kb.forms.moderation import decision_forms
from kb.models import SUBMISSION_STATES, SUBMISSION_TYPES
from kb.schemas.args import MAX_PAGE
from kb.services import choices, moderation, submissions
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
