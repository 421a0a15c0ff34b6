"""Submissions: records (or changes to records) proposed by accounts, awaiting moderation.

A submission holds its proposed record as a JSON payload in the API's shape; nothing of
it reaches the record tables until a moderator approves it. Then the record is saved
through the same service as the seed and the API, which writes a `Revision` in the
moderator's name; `Submission.revision_id` links that revision back to the submission,
and so to the submitter. Each step (submitted, returned, rejected, approved…) is kept
in `SubmissionStep`, with who took it, when and why.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.models.accounts import Account
from kb.models.base import JSONType, TimestampMixin, UTCDateTime, db, utcnow
from kb.models.directory import Organization

#: draft → pending → approved | returned | rejected; returned → pending again.
SUBMISSION_STATES = ("draft", "pending", "returned", "rejected", "approved")
#: The record types a submission may propose.
SUBMISSION_TYPES = ("festival", "organization", "element", "case_study", "event")
#: What a step of a submission's life can be.
#: `edited`: a moderator changed the proposal before deciding (the edit is theirs).
STEP_ACTIONS = ("submitted", "resubmitted", "edited", "returned", "rejected", "approved")


class Submission(TimestampMixin, db.Model):
    """A new record, or a change to a published one, proposed by an account."""

    __tablename__ = "submission"
    __table_args__ = (
        sa.UniqueConstraint("record_type", "reserved_slug", name="uq_submission_reserved_slug"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(sa.String(32), index=True)
    #: The slug a new record's submission holds from its submission until it is rejected
    #: (None for drafts and change proposals): no other submission or record may take it,
    #: so two approvals can never publish one slug (see `kb.services.common.unique_slug`).
    reserved_slug: Mapped[str | None] = mapped_column(sa.String(120))
    #: The published record a change proposal is for; None for a new record.
    record_id: Mapped[int | None]
    state: Mapped[str] = mapped_column(sa.String(16), default="draft", index=True)
    #: The proposed record, in the API's JSON shape (unchecked while a draft).
    payload: Mapped[dict] = mapped_column(JSONType, default=dict)
    #: The countries of the payload as ",UZ,KZ," so the queue can filter by country.
    country_codes: Mapped[str] = mapped_column(sa.String(400), default=",")
    #: The newest revision of the record when the change was proposed (stale check).
    base_revision_id: Mapped[int | None]
    #: The submitter's note to the moderators.
    message: Mapped[str | None] = mapped_column(sa.Text)
    account_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("account.id", ondelete="SET NULL"), index=True
    )
    #: The organisation the submitter acted for when submitting.
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="SET NULL")
    )
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    #: The revision written when a moderator approved it.
    revision_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("revision.id", ondelete="SET NULL"), unique=True
    )

    account: Mapped[Account | None] = relationship(foreign_keys=[account_id])
    organization: Mapped[Organization | None] = relationship()
    steps: Mapped[list[SubmissionStep]] = relationship(
        back_populates="submission",
        cascade="all, delete-orphan",
        order_by="SubmissionStep.id",
    )

    @property
    def is_change(self) -> bool:
        """Whether it proposes a change to a published record (else a new record)."""
        return self.record_id is not None

    @property
    def editable(self) -> bool:
        """Whether the submitter may still edit it."""
        return self.state in ("draft", "returned")

    @property
    def last_step(self) -> SubmissionStep | None:
        """The latest step, e.g. the return that holds the moderator's reason."""
        return self.steps[-1] if self.steps else None

    def __repr__(self) -> str:
        return f"<Submission {self.id} {self.record_type} {self.state}>"


class SubmissionStep(db.Model):
    """One step of a submission: who did what, when, and the reason they gave."""

    __tablename__ = "submission_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("submission.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(sa.String(16))
    account_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("account.id", ondelete="SET NULL"), index=True
    )
    reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="steps")
    account: Mapped[Account | None] = relationship()
