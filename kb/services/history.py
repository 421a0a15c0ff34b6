"""A record's history: every published change, who published it and who proposed it.

A `Revision` names the account that made the change (for a moderated change, the
moderator who approved it); the `Submission` whose `revision_id` points at it names
the account (and organisation) that proposed it. Public readers see names and
organisations, never e-mail addresses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from kb.extensions import db
from kb.models import Account, Revision, Submission, SubmissionStep
from kb.services.common import Page


@dataclass
class Person:
    """Who did something, as the public may see it."""

    name: str | None
    organization: object | None  # an Organization, or None
    process: str | None = None  # a named process, such as the seed loader

    @classmethod
    def of(cls, account: Account | None, actor: str | None = None) -> Person | None:
        """An account (or, without one, a named process) as the public sees it."""
        if account is not None:
            return cls(account.name, account.organization)
        # A change made by an account that is gone keeps its address in `actor`: the
        # public sees "someone", never the address; processes (e.g. `seed`) have none.
        if actor and "@" not in actor:
            return cls(None, None, actor)
        return None


@dataclass
class Entry:
    """One published change of a record."""

    id: int
    action: str
    at: datetime
    changes: dict
    note: str | None
    published_by: Person | None
    submission_id: int | None
    submitted_by: Person | None
    submitted_at: datetime | None
    #: Moderators who edited the proposal before it was approved (each edit is theirs).
    edited_by: list[Person] = field(default_factory=list)


def _submitter(submission: Submission | None) -> Person | None:
    if submission is None:
        return None
    account = submission.account
    return Person(account.name if account else None, submission.organization)


def _editors(submission_ids: list[int]) -> dict[int, list[Person]]:
    """Who edited each submission before its approval, in the order of their edits."""
    if not submission_ids:
        return {}
    query = (
        sa.select(SubmissionStep.submission_id, Account)
        .join(Account, Account.id == SubmissionStep.account_id, isouter=True)
        .where(SubmissionStep.submission_id.in_(submission_ids))
        .where(SubmissionStep.action == "edited")
        .order_by(SubmissionStep.id)
    )
    out: dict[int, list[Person]] = {}
    for submission_id, account in db.session.execute(query):
        person = Person.of(account) or Person(None, None)
        if person not in out.setdefault(submission_id, []):
            out[submission_id].append(person)
    return out


def history(record_type: str, record_id: int, *, page: int = 1, per_page: int = 20) -> Page:
    """The record's revisions, newest first, each with its submission if it had one."""
    publisher = aliased(Account)
    query = (
        sa.select(Revision, publisher, Submission)
        .outerjoin(publisher, publisher.id == Revision.account_id)
        .outerjoin(Submission, Submission.revision_id == Revision.id)
        .where(Revision.record_type == record_type, Revision.record_id == record_id)
        .order_by(Revision.created_at.desc(), Revision.id.desc())
    )
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    )
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    editors = _editors([submission.id for _r, _a, submission in rows if submission is not None])
    items = [
        Entry(
            id=revision.id,
            action=revision.action,
            at=revision.created_at,
            changes=revision.changes or {},
            note=revision.note,
            published_by=Person.of(account, revision.actor),
            submission_id=submission.id if submission else None,
            submitted_by=_submitter(submission),
            submitted_at=submission.submitted_at if submission else None,
            edited_by=editors.get(submission.id, []) if submission else [],
        )
        for revision, account, submission in rows
    ]
    return Page(items=items, total=total or 0, page=page, per_page=per_page)
