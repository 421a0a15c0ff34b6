"""Network membership: institutions apply to join, coordinators decide, members are kept.

An application is made for an organisation of the directory by an account whose
affiliation with it is confirmed. Coordinators approve it, ask for more (the applicant
answers, and it waits for them again) or decline it. An approved application makes the
organisation a `Membership` with a network role and a member-since date; a coordinator may
change that role or end the membership, which is kept (ended, never deleted). Every step of
either, who took it, when and why, is a `MembershipStep`: the organisation's membership
history.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.models.accounts import Account
from kb.models.base import JSONType, LangText, TimestampMixin, UTCDateTime, db, utcnow
from kb.models.directory import Country, Organization

#: pending → approved | declined | more-info; more-info → pending (the applicant answered).
APPLICATION_STATES = ("pending", "more-info", "approved", "declined")
#: The states in which an application waits for someone.
OPEN_STATES = ("pending", "more-info")
#: An institution's role in the network once it is a member.
MEMBER_ROLES = ("member", "partner", "coordinating-body", "co-organizer")
#: What an institution brings to the network.
CONTRIBUTIONS = ("festivals", "elements", "expertise")
#: The steps of an application and of a membership.
STEP_ACTIONS = (
    "applied",
    "asked",
    "answered",
    "approved",
    "declined",
    "role-changed",
    "ended",
)


class MembershipApplication(TimestampMixin, db.Model):
    """An organisation's application to join the network, and what became of it."""

    __tablename__ = "membership_application"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    #: The account that applied (for the organisation it acts for).
    account_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("account.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[str] = mapped_column(sa.String(16), default="pending", index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    country_id: Mapped[int | None] = mapped_column(sa.ForeignKey("country.id", ondelete="RESTRICT"))
    contact_name: Mapped[str] = mapped_column(sa.String(200))
    contact_email: Mapped[str] = mapped_column(sa.String(320))
    #: Whether the institution lets the directory show its contact person.
    contact_public: Mapped[bool] = mapped_column(default=False)
    #: A subset of CONTRIBUTIONS.
    brings: Mapped[list] = mapped_column(JSONType, default=list)
    #: Language codes (ISO 639) the institution works in.
    languages: Mapped[list] = mapped_column(JSONType, default=list)
    #: Its statement, under the key of the working language it is written in.
    statement: Mapped[dict] = mapped_column(LangText)
    terms_accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("account.id", ondelete="SET NULL")
    )

    organization: Mapped[Organization] = relationship()
    account: Mapped[Account | None] = relationship(foreign_keys=[account_id])
    decided_by: Mapped[Account | None] = relationship(foreign_keys=[decided_by_id])
    country: Mapped[Country | None] = relationship()
    steps: Mapped[list[MembershipStep]] = relationship(
        back_populates="application", order_by="MembershipStep.id"
    )

    @property
    def is_open(self) -> bool:
        """Whether it still waits for a coordinator or for the applicant."""
        return self.state in OPEN_STATES

    def __repr__(self) -> str:
        return f"<MembershipApplication {self.id} {self.state}>"


#: A membership's steps that its public history shows.
PUBLIC_STEPS = ("approved", "role-changed", "ended")


class Membership(TimestampMixin, db.Model):
    """An organisation's membership of the network (one row per organisation, kept)."""

    __tablename__ = "membership"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="CASCADE"), unique=True
    )
    role: Mapped[str] = mapped_column(sa.String(24), index=True)
    since: Mapped[date] = mapped_column(sa.Date)
    #: The day it ended; None while it lasts. A new approval starts it again.
    ended_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    #: The application approved last.
    application_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("membership_application.id", ondelete="SET NULL")
    )

    organization: Mapped[Organization] = relationship(lazy="joined")
    application: Mapped[MembershipApplication | None] = relationship()
    #: The organisation's membership history (its applications' steps included).
    steps: Mapped[list[MembershipStep]] = relationship(
        primaryjoin="Membership.organization_id == foreign(MembershipStep.organization_id)",
        order_by="MembershipStep.id",
        viewonly=True,
    )

    @property
    def public_steps(self) -> list[MembershipStep]:
        """The steps the public may read: what the membership was and is (approved, role
        changed, ended), not how applications went (asked, answered, declined)."""
        return [step for step in self.steps if step.action in PUBLIC_STEPS]

    @property
    def active(self) -> bool:
        """Whether the organisation is a member now."""
        return self.ended_on is None

    def __repr__(self) -> str:
        return f"<Membership {self.organization_id} {self.role}>"


class MembershipStep(db.Model):
    """One step of an organisation's membership history: who did what, when, why."""

    __tablename__ = "membership_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    application_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("membership_application.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(sa.String(16))
    account_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("account.id", ondelete="SET NULL"), index=True
    )
    #: The message, question, answer or reason that came with the step.
    note: Mapped[str | None] = mapped_column(sa.Text)
    #: For role changes: {"role": [old, new]}.
    changes: Mapped[dict] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[MembershipApplication | None] = relationship(back_populates="steps")
    account: Mapped[Account | None] = relationship()
