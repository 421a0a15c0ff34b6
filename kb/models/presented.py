"""What an event or one of its sessions presented: links to records of the knowledge base."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.models.base import db
from kb.models.directory import Organization
from kb.models.events import Event, EventSession
from kb.models.heritage import CaseStudy, Element, Festival

#: What a programme did with a record.
PRESENTED_ROLES = ("presented", "discussed", "performed")
#: The record types a programme links to, by the name the API gives them, with the
#: column that holds the link.
PRESENTED_TYPES = {
    "case-study": "case_study_id",
    "festival": "festival_id",
    "element": "element_id",
    "organization": "organization_id",
}


def _one_of(columns) -> str:
    return " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in columns) + " = 1"


class ProgrammeLink(db.Model):
    """One record that an event, or one session of it, presented, discussed or performed.

    It belongs to the event or to a session (never both), and names one record.
    """

    __tablename__ = "programme_link"
    __table_args__ = (
        sa.CheckConstraint(_one_of(("event_id", "session_id")), name="one_owner"),
        sa.CheckConstraint(_one_of(PRESENTED_TYPES.values()), name="one_record"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("event.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("event_session.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    role: Mapped[str] = mapped_column(sa.String(16))
    case_study_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("case_study.id", ondelete="CASCADE"), index=True
    )
    festival_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("festival.id", ondelete="CASCADE"), index=True
    )
    element_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("element.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )

    event: Mapped[Event | None] = relationship(back_populates="presented")
    session: Mapped[EventSession | None] = relationship(back_populates="presented")
    case_study: Mapped[CaseStudy | None] = relationship(lazy="joined")
    festival: Mapped[Festival | None] = relationship(lazy="joined")
    element: Mapped[Element | None] = relationship(lazy="joined")
    organization: Mapped[Organization | None] = relationship(lazy="joined")

    @property
    def target_type(self) -> str:
        """The linked record's type, as the API names it (`festival`, `case-study`, …)."""
        return next(t for t, column in PRESENTED_TYPES.items() if getattr(self, column))

    @property
    def target(self):
        """The linked record."""
        return getattr(self, PRESENTED_TYPES[self.target_type].removesuffix("_id"))

    @property
    def owner_event(self) -> Event:
        """The event the link belongs to, directly or through its session."""
        return self.event if self.event is not None else self.session.event


Event.presented = relationship(
    ProgrammeLink,
    back_populates="event",
    cascade="all, delete-orphan",
    order_by=ProgrammeLink.position,
)
EventSession.presented = relationship(
    ProgrammeLink,
    back_populates="session",
    cascade="all, delete-orphan",
    order_by=ProgrammeLink.position,
)
