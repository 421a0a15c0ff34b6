"""Submissions: proposing a festival or an organisation, or a change to any record; drafts.

Nothing here writes to the record tables: a submission only holds its payload until a
moderator approves it (see `kb.services.moderation`). The payload is checked by the
record type's one schema, so the form, the API and the seed share one set of rules.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from kb.extensions import db
from kb.kinds import KINDS
from kb.models import (
    Account,
    Revision,
    Submission,
    SubmissionStep,
)
from kb.models.base import utcnow
from kb.services.common import (
    NotFound,
    Page,
    ServiceError,
    paginate,
    slug_conflict,
    slug_taken,
    unique_slug,
)
from kb.services.notices import notify_submitter
from kb.services.payloads import Invalid, check_payload, facts_only, jsonable, slugify

#: The types a change may be proposed to, by record type (see kb.kinds).
MODELS = {kind.singular: kind.model for kind in KINDS if kind.proposals}
#: The types of which a new record may be proposed; of the others, changes only.
NEW_RECORDS = tuple(kind.singular for kind in KINDS if kind.new_by_proposal)


class Forbidden(ServiceError):
    """The account may not do this."""

    def __init__(self, message: str | None = None):
        super().__init__(None, message or _("Your account may not do this."), code="forbidden")


def is_moderator(account: Account | None) -> bool:
    """Whether the account may moderate (moderators and admins)."""
    return bool(account) and account.has_role("moderator")


def latest_revision_id(record_type: str, record_id: int) -> int | None:
    """The id of the newest revision of a record."""
    return db.session.scalar(
        sa.select(sa.func.max(Revision.id)).where(
            Revision.record_type == record_type, Revision.record_id == record_id
        )
    )


def country_codes(record_type: str, payload: dict) -> str:
    raw = payload.get("countries") if "countries" in payload else [payload.get("country")]
    raw = raw if isinstance(raw, list) else []
    codes = sorted({str(c).strip().upper() for c in raw or [] if isinstance(c, str) and c})
    return "," + "".join(f"{c}," for c in codes)


def _set_payload(submission: Submission, payload: dict, message: str | None) -> None:
    submission.payload = payload
    submission.country_codes = country_codes(submission.record_type, payload)
    submission.message = (message or "").strip() or None


def start(
    account: Account,
    record_type: str,
    payload: dict,
    *,
    record=None,
    message: str | None = None,
) -> Submission:
    """A new draft by `account`: a new record, or a change to the published `record`."""
    if record is not None and not record.is_published:
        raise NotFound()
    if record is None and record_type not in NEW_RECORDS:
        raise ServiceError(None, _("Propose a change to a published record."), code="conflict")
    submission = Submission(
        record_type=record_type,
        account=account,
        organization_id=account.organization_id,
        record_id=record.id if record is not None else None,
        base_revision_id=latest_revision_id(record_type, record.id) if record else None,
    )
    if record is not None:
        payload = {**facts_only(record_type, record, payload), "slug": record.slug}
    _set_payload(submission, payload, message)
    db.session.add(submission)
    db.session.flush()
    return submission


def update(submission: Submission, account: Account, payload: dict, message: str | None) -> None:
    """Replace the payload of a draft (or a returned submission) by its submitter."""
    if submission.account_id != account.id:
        raise Forbidden()
    if not submission.editable:
        raise ServiceError(None, _("This submission can no longer be changed."), code="conflict")
    if submission.is_change:
        payload = facts_only(submission.record_type, target(submission), payload)
        payload = {**payload, "slug": submission.payload.get("slug")}
    _set_payload(submission, payload, message)
    db.session.flush()


def _settle_slug(submission: Submission) -> None:
    """Give a new record a free slug (derived from its name when none was given)."""
    if submission.is_change:
        return
    model = MODELS[submission.record_type]
    payload = dict(submission.payload)
    if not isinstance(payload.get("slug"), str | None):
        return  # not a text: check_payload refuses it by name
    given = (payload.get("slug") or "").strip().lower()
    if not given:
        base = slugify(payload.get("name"), submission.record_type)
        payload["slug"] = unique_slug(model, base, holder=submission)
    elif slug_taken(model, given, holder=submission):
        raise Invalid({"slug": [_("A record with this slug exists already.")]})
    submission.payload = payload


def submit(submission: Submission, account: Account) -> SubmissionStep:
    """Send a draft (or a returned submission) to the moderators, if its payload is valid.

    Raises `Invalid` with every field error; the submission stays as it was.
    """
    if submission.account_id != account.id:
        raise Forbidden()
    if not submission.editable:
        raise ServiceError(None, _("This submission was sent already."), code="conflict")
    _settle_slug(submission)
    data = check_payload(submission.record_type, submission.payload)
    submission.payload = jsonable(data)
    submission.country_codes = country_codes(submission.record_type, submission.payload)
    if not submission.is_change:  # held from now on: no one else may take it
        submission.reserved_slug = submission.payload["slug"]
    action = "resubmitted" if submission.state == "returned" else "submitted"
    submission.state = "pending"
    submission.submitted_at = utcnow()
    step = SubmissionStep(action=action, account=account)
    submission.steps.append(step)
    try:
        db.session.flush()
    except IntegrityError as exc:  # another submission reserved it since we looked
        conflict = slug_conflict(exc, _("This slug was taken a moment ago; submit again."))
        if conflict is None:
            raise
        raise conflict from exc
    notify_submitter(submission, step)
    return step


def visible(submission_id: int, account: Account | None) -> Submission:
    """The submission if `account` submitted it, or moderates and it is no longer a draft.

    Anyone else gets NotFound, so ids of other people's work reveal nothing.
    """
    submission = db.session.get(Submission, submission_id)
    if submission is None or account is None:
        raise NotFound()
    if submission.account_id != account.id and not (
        is_moderator(account) and submission.state != "draft"
    ):
        raise NotFound()
    return submission


def open_change(account: Account, record_type: str, record_id: int) -> Submission | None:
    """The account's change proposal for a record that it may still edit, if any."""
    return db.session.scalar(
        sa.select(Submission).where(
            Submission.account_id == account.id,
            Submission.record_type == record_type,
            Submission.record_id == record_id,
            Submission.state.in_(("draft", "returned")),
        )
    )


def mine(account: Account) -> list[Submission]:
    """The account's own submissions, newest first."""
    query = (
        sa.select(Submission)
        .where(Submission.account_id == account.id)
        .order_by(Submission.updated_at.desc(), Submission.id.desc())
    )
    return list(db.session.scalars(query))


def queue(
    account: Account,
    *,
    state: str | None = "pending",
    country: str | None = None,
    record_type: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Page:
    """Submitted work for moderators, oldest first; drafts are never shown."""
    if not is_moderator(account):
        raise Forbidden()
    query = sa.select(Submission).where(Submission.state != "draft")
    if state:
        query = query.where(Submission.state == state)
    if country:
        query = query.where(Submission.country_codes.contains(f",{country.upper()},"))
    if record_type:
        query = query.where(Submission.record_type == record_type)
    query = query.order_by(Submission.submitted_at, Submission.id)
    return paginate(query, page, per_page)


def target(submission: Submission):
    """The published record a change proposal is for (None for a new record)."""
    if not submission.is_change:
        return None
    return db.session.get(MODELS[submission.record_type], submission.record_id)
