"""What waits for the people who act, and the batched e-mails that tell them.

Moderators have submissions to review and requests to act for an organisation;
coordinators have applications to join the network and requests for the organizer role
(admins have both). The header shows them the count; `kb worker` e-mails them when
something new has arrived since their last notice, at most once per `NOTICE_INTERVAL`,
in their language, unless they turned notices off. Requests never send: they only leave
the work in the database, where the worker finds it.

Each notice is claimed with a conditional UPDATE of the account's `notice_sent_at`, in
the transaction that queues the e-mail, so two workers never send one person two.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import ngettext

from kb.extensions import db
from kb.models import (
    Account,
    AccountRole,
    Affiliation,
    MembershipApplication,
    RoleRequest,
    Submission,
)
from kb.models.base import utcnow
from kb.services.membership import is_coordinator
from kb.services.notices import _queue, in_language
from kb.services.submissions import is_moderator
from kb.urls import absolute_url

#: At most one notice e-mail per person in this time.
NOTICE_INTERVAL = timedelta(hours=1)
#: The kinds of work, in the order the e-mail and the header list them.
KINDS = ("submissions", "affiliations", "applications", "role_requests")


def _count(query) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0


def waiting_for(account: Account | None, since: datetime | None = None) -> dict[str, int]:
    """How many things of each kind wait for `account` (arrived after `since`, if given).

    Never its own work: its submissions, claims, applications and requests are not counted.
    """
    counts = dict.fromkeys(KINDS, 0)
    if account is None:
        return counts
    if is_moderator(account):
        submissions = sa.select(Submission.id).where(
            Submission.state == "pending", Submission.account_id != account.id
        )
        confirmed = sa.select(Account.id).where(Account.confirmed_at.is_not(None), Account.active)
        claims = sa.select(Affiliation.id).where(
            Affiliation.state == "claimed",
            Affiliation.account_id != account.id,
            Affiliation.account_id.in_(confirmed),
        )
        if since is not None:
            submissions = submissions.where(Submission.submitted_at > since)
            claims = claims.where(Affiliation.created_at > since)
        counts["submissions"] = _count(submissions)
        counts["affiliations"] = _count(claims)
    if is_coordinator(account):
        applications = sa.select(MembershipApplication.id).where(
            MembershipApplication.state == "pending"
        )
        requests = sa.select(RoleRequest.id).where(
            RoleRequest.state == "pending", RoleRequest.account_id != account.id
        )
        if account.organization_id is not None:  # not one's own institution's
            applications = applications.where(
                MembershipApplication.organization_id != account.organization_id
            )
        if since is not None:
            applications = applications.where(MembershipApplication.updated_at > since)
            requests = requests.where(RoleRequest.created_at > since)
        counts["applications"] = _count(applications)
        counts["role_requests"] = _count(requests)
    return counts


def _recipients(cutoff: datetime) -> list[int]:
    acting = sa.select(AccountRole.account_id).where(
        AccountRole.role.in_(("moderator", "coordinator", "admin"))
    )
    return list(
        db.session.scalars(
            sa.select(Account.id)
            .where(
                Account.id.in_(acting),
                Account.active,
                Account.confirmed_at.is_not(None),
                Account.notices,
                sa.or_(Account.notice_sent_at.is_(None), Account.notice_sent_at <= cutoff),
            )
            .order_by(Account.id)
        )
    )


def _claim(account_id: int, cutoff: datetime, now: datetime) -> bool:
    result = db.session.execute(
        sa.update(Account)
        .where(
            Account.id == account_id,
            sa.or_(Account.notice_sent_at.is_(None), Account.notice_sent_at <= cutoff),
        )
        .values(notice_sent_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


LINES = {
    "submissions": lambda n: ngettext(
        "%(num)d submission waits for review.", "%(num)d submissions wait for review.", n
    ),
    "affiliations": lambda n: ngettext(
        "%(num)d request to act for an organization waits for a decision.",
        "%(num)d requests to act for an organization wait for a decision.",
        n,
    ),
    "applications": lambda n: ngettext(
        "%(num)d application to join the network waits for a decision.",
        "%(num)d applications to join the network wait for a decision.",
        n,
    ),
    "role_requests": lambda n: ngettext(
        "%(num)d request for the organizer role waits for a decision.",
        "%(num)d requests for the organizer role wait for a decision.",
        n,
    ),
}
PLACES = {
    "submissions": ("pages.queue", None),
    "affiliations": ("pages.affiliation_queue", None),
    "applications": ("pages.coordination", None),
    "role_requests": ("pages.coordination", "role-requests-h"),
}


def _notice(account: Account, new: dict[str, int], total: dict[str, int], key: str) -> None:
    with in_language(account.locale) as lang:
        items = [
            (LINES[kind](total[kind]), absolute_url(PLACES[kind][0], PLACES[kind][1], lang=lang))
            for kind in KINDS
            if total[kind]
        ]
        fresh = sum(new.values())
        _queue(
            account,
            "waiting",
            lambda: ngettext(
                "%(num)d new item waits for you", "%(num)d new items wait for you", fresh
            ),
            key,
            items=items,
            preferences_url=absolute_url("pages.account", "prefs-h", lang=lang),
        )


def send_notices(now: datetime | None = None) -> int:
    """Queue one notice for each person with something new waiting since their last one.

    Nobody gets more than one per NOTICE_INTERVAL; returns how many were queued.
    """
    now = now or utcnow()
    cutoff = now - NOTICE_INTERVAL
    sent = 0
    for account_id in _recipients(cutoff):
        account = db.session.get(Account, account_id)
        new = waiting_for(account, since=account.notice_sent_at)
        if not any(new.values()):
            continue
        if not _claim(account_id, cutoff, now):  # another worker told them just now
            db.session.rollback()
            continue
        _notice(account, new, waiting_for(account), f"notice:{account.id}:{now.isoformat()}")
        db.session.commit()
        sent += 1
    db.session.commit()
    return sent


def header_counts(account: Account | None) -> dict[str, int]:
    """For the header: what waits in the moderators' and in the coordinators' queues."""
    counts = waiting_for(account)
    return {
        "moderation": counts["submissions"] + counts["affiliations"],
        "coordination": counts["applications"] + counts["role_requests"],
    }
