"""Submitting festivals: the form (new, or a change to a published one), drafts, status.

Every save commits the draft first; only then is it checked and sent for review, so
nothing typed is lost when the check refuses it.
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from kb.forms.festival import FestivalForm
from kb.forms.moderation import decision_forms
from kb.services import choices, heritage, submissions
from kb.services.compare import compare
from kb.services.payloads import payload_of
from kb.views import bp
from kb.views.proposals import handle_proposal, save_and_send


def _form(base: dict, message: str | None = None) -> FestivalForm:
    options = {"lang": g.lang, "choices": choices.festival_choices()}
    if request.method == "POST":
        return FestivalForm(**options)
    form = FestivalForm(data=FestivalForm.initial_data(base, g.lang), **options)
    form.message.data = message or ""
    return form


def _render(form, *, submission=None, record=None, status=200):
    return render_template(
        "submissions/form.html", form=form, submission=submission, record=record
    ), status


def _save(form: FestivalForm, base: dict, submission=None, record=None):
    """Save the draft, commit, then submit it if asked; the page to show next."""

    def render(submission, status):
        return _render(form, submission=submission, record=record, status=status)

    def remap(submission):
        form.payload(submission.payload)  # the rows of what was saved, for the errors

    payload = form.payload(base)
    return save_and_send(
        form, "festival", payload, render, record=record, submission=submission, remap=remap
    )


def _handle(form, base, submission=None, record=None):
    if request.method == "POST":
        added = request.form.get("add")
        if added:
            form.add_row(added)
            return _render(form, submission=submission, record=record)
        if form.validate():
            return _save(form, base, submission, record)
        return _render(form, submission=submission, record=record, status=422)
    return _render(form, submission=submission, record=record)


@bp.route("/submissions/new", methods=["GET", "POST"])
@login_required
def new_submission():
    """Propose a new festival record."""
    return _handle(_form({}), {})


@bp.route("/festivals/<slug>/propose", methods=["GET", "POST"])
@login_required
def propose_change(slug: str):
    """Propose a change to a published festival: the same form, filled in."""
    record = heritage.get_festival(slug)
    account = current_user._get_current_object()
    existing = submissions.open_change(account, "festival", record.id)
    if existing is not None:
        flash(_("You have a proposal for this festival already; here it is."))
        return redirect(url_for("pages.edit_submission", submission_id=existing.id))
    base = payload_of("festival", record)
    return _handle(_form(base), base, record=record)


@bp.route("/submissions/<int:submission_id>/edit", methods=["GET", "POST"])
@login_required
def edit_submission(submission_id: int):
    """Finish a draft, or rework a submission the moderators returned."""
    submission = submissions.visible(submission_id, current_user._get_current_object())
    if submission.account_id != current_user.id:
        abort(403)
    if submission.record_type != "festival" and not submission.is_change:
        abort(403)  # a new organisation is edited on the account pages
    if not submission.editable:
        flash(_("This submission can no longer be changed."))
        return redirect(url_for("pages.submission", submission_id=submission.id))
    base = submission.payload
    record = submissions.target(submission)
    if submission.record_type != "festival":
        return handle_proposal(submission.record_type, base, record, submission)
    return _handle(_form(base, submission.message), base, submission, record)


@bp.get("/submissions/<int:submission_id>")
@login_required
def submission(submission_id: int):
    """A submission's state, its steps, and what it adds or changes; decisions for moderators."""
    item = submissions.visible(submission_id, current_user._get_current_object())
    return show_submission(item, decision_forms())


def show_submission(item, forms, status: int = 200, errors=()):
    """The submission page (also after a refused decision, with its errors)."""
    account = current_user._get_current_object()
    return render_template(
        "submissions/show.html",
        item=item,
        comparison=compare(item),
        record=submissions.target(item),
        forms=forms,
        can_decide=submissions.is_moderator(account) and item.state == "pending",
        own=item.account_id == account.id,
        errors=list(errors),
    ), status
