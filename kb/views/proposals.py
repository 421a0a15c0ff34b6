"""Proposing a change to an element, organisation, case study or event; moderators' edits.

Like the festival form, a save commits the draft first and only then checks and sends
it, so nothing typed is lost when the check refuses it. A moderator's edit of a pending
proposal is checked before it is kept, and is a step of the submission in their name.
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from kb.catalog import BY_SINGULAR, CATALOG
from kb.extensions import db
from kb.forms.proposal import form_for
from kb.services import moderation, submissions
from kb.services.common import ServiceError
from kb.services.payloads import Invalid, payload_of
from kb.services.submissions import Forbidden
from kb.views import bp

#: The collections proposed through this form (festivals have their own, fuller one).
COLLECTIONS = "any('elements', 'organizations', 'case-studies', 'events')"


def _render(form, record, *, submission=None, revising=False, status=200):
    return render_template(
        "submissions/proposal.html",
        form=form,
        record=record,
        submission=submission,
        revising=revising,
        kind=BY_SINGULAR[form.record_type],
    ), status


def _posted_rows(form, record, submission=None, revising=False):
    """Answer "add another" (no save), or None when the request is a save."""
    added = request.form.get("add")
    if not added:
        return None
    form.add_row(added)
    return _render(form, record, submission=submission, revising=revising)


def save_and_send(form, record_type: str, payload: dict, render, *, record, submission, remap=None):
    """Save the draft and commit; then, if the form's action is "submit", send it for review.

    Shared by the festival form and the proposal form. The answer is a redirect to the
    draft or to the sent submission, or `render(submission, status)`: the form again with
    what was refused. `remap(submission)`, if given, readies the form to show the check's
    errors against what was saved.
    """
    account = current_user._get_current_object()
    try:
        if submission is None:
            submission = submissions.start(
                account, record_type, payload, record=record, message=form.message.data
            )
        else:
            submissions.update(submission, account, payload, form.message.data)
    except ServiceError as exc:
        db.session.rollback()
        form.form_errors_.append(exc.message)
        return render(submission, 409)
    db.session.commit()
    if request.form.get("action") != "submit":
        flash(_("Your draft is saved. You can finish it later from your account page."))
        return redirect(url_for("pages.edit_submission", submission_id=submission.id))
    try:
        submissions.submit(submission, account)
    except Invalid as exc:
        db.session.rollback()
        if remap is not None:
            remap(submission)
        form.show_errors(exc.fields)
        return render(submission, 422)
    except ServiceError as exc:
        db.session.rollback()
        form.form_errors_.append(exc.message)
        return render(submission, 409)
    db.session.commit()
    flash(_("Thank you: your submission was sent to the moderators. We will write to you."))
    return redirect(url_for("pages.submission", submission_id=submission.id))


def _save(form, base: dict, record, submission=None):
    payload = form.payload(base)
    if form.duplicate_languages():
        return _render(form, record, submission=submission, status=422)

    def render(submission, status):
        return _render(form, record, submission=submission, status=status)

    return save_and_send(
        form, form.record_type, payload, render, record=record, submission=submission
    )


def handle_proposal(record_type: str, base: dict, record, submission=None):
    """The form of a change proposal: show it, add a row, or save (and send) it."""
    posted = request.method == "POST"
    form = form_for(record_type, base, g.lang, posted=posted)
    if submission is not None and not posted:
        form.message.data = submission.message or ""
    if not posted:
        return _render(form, record, submission=submission)
    answer = _posted_rows(form, record, submission)
    if answer is not None:
        return answer
    if not form.validate():
        return _render(form, record, submission=submission, status=422)
    return _save(form, base, record, submission)


@bp.route(f"/<{COLLECTIONS}:collection>/<slug>/propose", methods=["GET", "POST"])
@login_required
def propose_record_change(collection: str, slug: str):
    """Propose a change to a published record: the form, filled in with the record."""
    record_type = CATALOG[collection]
    record = record_type.get(slug)
    account = current_user._get_current_object()
    existing = submissions.open_change(account, record_type.singular, record.id)
    if existing is not None:
        flash(_("You have a proposal for this record already; here it is."))
        return redirect(url_for("pages.edit_submission", submission_id=existing.id))
    base = payload_of(record_type.singular, record)
    return handle_proposal(record_type.singular, base, record)


@bp.route("/submissions/<int:submission_id>/revise", methods=["GET", "POST"])
@login_required
def revise_submission(submission_id: int):
    """A moderator edits a pending proposal before deciding; the edit is kept as theirs."""
    account = current_user._get_current_object()
    if not submissions.is_moderator(account):
        abort(403)
    item = submissions.visible(submission_id, account)
    record = submissions.target(item)
    if item.state != "pending":
        flash(_("Only a submission awaiting review can be edited."))
        return redirect(url_for("pages.submission", submission_id=item.id))
    posted = request.method == "POST"
    form = form_for(item.record_type, item.payload, g.lang, posted=posted)
    if not posted:
        return _render(form, record, submission=item, revising=True)
    answer = _posted_rows(form, record, item, revising=True)
    if answer is not None:
        return answer
    if not form.validate():
        return _render(form, record, submission=item, revising=True, status=422)
    payload = form.payload(item.payload)
    if form.duplicate_languages():
        return _render(form, record, submission=item, revising=True, status=422)
    try:
        moderation.revise(item, account, payload, form.message.data)
    except Invalid as exc:
        db.session.rollback()
        form.show_errors(exc.fields)
        return _render(form, record, submission=item, revising=True, status=422)
    except (Forbidden, ServiceError) as exc:
        db.session.rollback()
        form.form_errors_.append(exc.message)
        status = 403 if isinstance(exc, Forbidden) else 409
        return _render(form, record, submission=item, revising=True, status=status)
    db.session.commit()
    flash(_("Your edit is saved; the proposal awaits your decision."))
    return redirect(url_for("pages.submission", submission_id=item.id))
