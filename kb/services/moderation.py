"""Moderators' decisions on submissions: approve (publish), return with a reason, reject.

Approving saves the record through the same service as the API and the seed, in the
moderator's name, so the record's history gains a `Revision` (who published, when, each
field from what to what); the submission keeps that revision's id, and so the history
knows the submitter too.
"""

from __future__ import annotations

from flask_babel import gettext as _

from kb.models import Account, Festival, Organization, Submission, SubmissionStep
from kb.models.base import utcnow
from kb.services import images
from kb.services.common import ServiceError, by_slug
from kb.services.directory import save_organization
from kb.services.heritage import save_festival
from kb.services.notices import notify_submitter
from kb.services.payloads import Invalid, check_payload
from kb.services.records import Actor
from kb.services.submissions import Forbidden, is_moderator, latest_revision_id, target

MAX_REASON = 5000


def _check(submission: Submission, moderator: Account) -> None:
    if not is_moderator(moderator):
        raise Forbidden()
    if submission.state != "pending":
        raise ServiceError(
            None, _("Only a submission awaiting review can be decided on."), code="conflict"
        )


def _reason(reason: str | None, required: bool) -> str | None:
    reason = (reason or "").strip()
    if required and not reason:
        raise Invalid({"reason": [_("Say why, so that the submitter knows what to do.")]})
    if len(reason) > MAX_REASON:
        raise Invalid({"reason": [_("Longer than %(max)d characters.", max=MAX_REASON)]})
    return reason or None


def _decide(submission: Submission, moderator: Account, action: str, reason: str | None):
    submission.state = action  # approved, returned or rejected: the step names the state
    step = SubmissionStep(action=action, account=moderator, reason=reason)
    submission.steps.append(step)
    submission.updated_at = utcnow()
    return step


def _publish(submission: Submission, data: dict, actor: Actor, note: str | None):
    record = target(submission)
    if submission.is_change and record is None:
        raise ServiceError(None, _("The record this change is for no longer exists."), "conflict")
    if submission.record_type == "festival":
        if record is None and by_slug(Festival, data["slug"]) is not None:
            raise Invalid({"slug": [_("A record with this slug exists already.")]})
        return save_festival(data, actor, record=record or Festival(), note=note)
    if record is None:
        base, n = data["slug"], 1
        while by_slug(Organization, data["slug"]) is not None:
            n += 1
            data["slug"] = f"{base[:110]}-{n}"
    organization, changes = save_organization(data, actor, record=record or Organization())
    account = submission.account
    if account is not None and account.organization_id is None:
        account.organization = organization
    return organization, changes


def approve(submission: Submission, moderator: Account, note: str | None = None):
    """Publish the submission (never one's own); returns the record and its changes."""
    _check(submission, moderator)
    if submission.account_id == moderator.id:
        raise Forbidden(_("You cannot approve your own submission; another moderator must."))
    note = _reason(note, required=False)
    data = check_payload(submission.record_type, submission.payload)
    record, changes = _publish(submission, data, Actor.of(moderator), note)
    if submission.record_type == "festival":  # pictures proposed with it become the record's
        images.attach_submission_images(submission, record)
    if changes:
        submission.revision_id = latest_revision_id(submission.record_type, record.id)
    submission.payload = {**submission.payload, "slug": record.slug}
    step = _decide(submission, moderator, "approved", note)
    notify_submitter(submission, step)
    return record, changes


def send_back(submission: Submission, moderator: Account, reason: str | None) -> None:
    """Return the submission to its submitter, who may edit and resubmit it."""
    _check(submission, moderator)
    step = _decide(submission, moderator, "returned", _reason(reason, required=True))
    notify_submitter(submission, step)


def reject(submission: Submission, moderator: Account, reason: str | None) -> None:
    """Refuse the submission for good, saying why."""
    _check(submission, moderator)
    step = _decide(submission, moderator, "rejected", _reason(reason, required=True))
    notify_submitter(submission, step)
