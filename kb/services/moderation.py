"""Moderators' decisions on submissions: approve (publish), return with a reason, reject.

Approving saves the record through the same service as the API and the seed, in the
moderator's name, so the record's history gains a `Revision` (who published, when, each
field from what to what); the submission keeps that revision's id, and so the history
knows the submitter too.

Decisions are serialised: each takes the submission with a conditional UPDATE on its
state (`pending`), which on PostgreSQL also locks the row until the commit. Of two
moderators deciding at once, the second waits for the first's commit, finds the state
changed and is refused (code `already_decided`, 409): never a second revision, a second
step or a second e-mail.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from kb.extensions import db
from kb.kinds import BY_SINGULAR
from kb.models import Account, Revision, Submission, SubmissionStep
from kb.models.base import utcnow
from kb.schemas.messages import flatten
from kb.services import affiliations, images
from kb.services.common import ServiceError, slug_conflict, slug_taken
from kb.services.compare import field_label
from kb.services.notices import notify_submitter
from kb.services.payloads import Invalid, check_payload, facts_only, jsonable
from kb.services.records import Actor
from kb.services.staleness import rebase
from kb.services.submissions import (
    Forbidden,
    country_codes,
    is_moderator,
    latest_revision_id,
    target,
)

MAX_REASON = 5000


def _decided_already() -> ServiceError:
    return ServiceError(
        None,
        _("Another moderator has decided on this submission already; see its steps below."),
        code="already_decided",
    )


def _check(submission: Submission, moderator: Account) -> None:
    if not is_moderator(moderator):
        raise Forbidden()
    if submission.state != "pending":
        raise ServiceError(
            None, _("Only a submission awaiting review can be decided on."), code="conflict"
        )


def _take(submission: Submission) -> None:
    """Hold the submission for this decision, or refuse: another decided first.

    The conditional UPDATE waits for a concurrent decision's commit (PostgreSQL's row
    lock; SQLite has one writer at a time) and then matches no row if that decision
    changed the state. The submission is re-read after it, so what follows sees the
    committed state.
    """
    result = db.session.execute(
        sa.update(Submission)
        .where(Submission.id == submission.id, Submission.state == "pending")
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(submission)
    if result.rowcount != 1:
        raise _decided_already()


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


def _gone() -> ServiceError:
    return ServiceError(None, _("The record this change is for no longer exists."), "conflict")


def _annotate(record_type: str, record, note: str | None) -> None:
    """Keep the moderator's note on the revision the approval just wrote."""
    revision = db.session.get(Revision, latest_revision_id(record_type, record.id))
    if note and revision is not None:
        revision.note = note


def _publish(submission: Submission, data: dict, moderator: Account, note: str | None):
    """Save the approved record through its type's service (`Kind.save`), as the API does."""
    kind = BY_SINGULAR[submission.record_type]
    record = target(submission)
    if submission.is_change and record is None:
        raise _gone()
    if record is None and slug_taken(kind.model, data["slug"], holder=submission):
        raise Invalid({"slug": [_("A record with this slug exists already.")]})
    if record is not None and kind.merge is not None:  # facts only: laid over the record
        data = kind.merge(record, data)
    record, changes = kind.save(data, Actor.of(moderator), record=record or kind.model())
    if changes:
        _annotate(submission.record_type, record, note)
    account = submission.account
    if (
        kind.proposer_acts_for_it
        and not submission.is_change
        and account is not None
        and account.organization_id is None
    ):
        # The moderator approves a new organisation knowing who proposed it: its proposer
        # acts for it (recorded as the moderator's grant).
        affiliations.grant(account, record, by=moderator, granted_by="proposal")
    return record, changes


def approve(submission: Submission, moderator: Account, note: str | None = None):
    """Publish the submission (never one's own); returns the record and its changes."""
    _check(submission, moderator)
    if submission.account_id == moderator.id:
        raise Forbidden(_("You cannot approve your own submission; another moderator must."))
    note = _reason(note, required=False)
    _take(submission)
    data = check_payload(submission.record_type, submission.payload)
    data = rebase(submission, target(submission), data, strict=True)
    try:
        record, changes = _publish(submission, data, moderator, note)
        db.session.flush()
    except IntegrityError as exc:  # a record took the slug since we looked
        conflict = slug_conflict(exc, _("A record with this slug exists already."))
        if conflict is None:
            raise
        raise conflict from exc
    except ValidationError as exc:  # the record holds a value today's rules refuse
        keys = sorted({path.split(".")[0] for path, _m in flatten(exc.messages) if path})
        raise ServiceError(
            None,
            _(
                "The published record holds a value the knowledge base no longer accepts "
                "(%(fields)s), so no change can be saved over it; an administrator must "
                "correct that value first.",
                fields=", ".join(field_label(k) for k in keys),
            ),
            code="stored_value",
        ) from exc
    if BY_SINGULAR[submission.record_type].proposed_with_images:  # they become the record's
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
    reason = _reason(reason, required=True)
    _take(submission)
    step = _decide(submission, moderator, "returned", reason)
    notify_submitter(submission, step)


def reject(submission: Submission, moderator: Account, reason: str | None) -> None:
    """Refuse the submission for good, saying why."""
    _check(submission, moderator)
    reason = _reason(reason, required=True)
    _take(submission)
    submission.reserved_slug = None  # refused for good: the slug is free again
    step = _decide(submission, moderator, "rejected", reason)
    notify_submitter(submission, step)


def revise(
    submission: Submission, moderator: Account, payload: dict, reason: str | None = None
) -> SubmissionStep:
    """A moderator's edit of a pending proposal before deciding on it, kept as their step.

    The edit also brings a proposal made against an older state of its record up to date
    (see `kb.services.staleness`): fields its author left alone follow the record, and
    where both changed a field the moderator's version stands.
    """
    _check(submission, moderator)
    reason = _reason(reason, required=False)
    if not isinstance(payload, dict):
        raise Invalid({"payload": [_("Send the proposed record as a JSON object.")]})
    record = target(submission)
    if submission.is_change and record is None:
        raise _gone()
    payload = facts_only(submission.record_type, record, payload)
    payload = {**payload, "slug": submission.payload.get("slug")}
    data = check_payload(submission.record_type, payload)
    _take(submission)
    data = rebase(submission, record, data, strict=False)
    submission.payload = jsonable(data)
    submission.country_codes = country_codes(submission.record_type, submission.payload)
    if record is not None:
        submission.base_revision_id = latest_revision_id(submission.record_type, record.id)
    step = SubmissionStep(action="edited", account=moderator, reason=reason)
    submission.steps.append(step)
    db.session.flush()
    return step
