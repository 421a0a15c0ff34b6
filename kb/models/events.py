"""Network events: webinars, meetings and festival editions, with sessions and speakers."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.models.base import JSONType, LangText, RecordMixin, UTCDateTime, db
from kb.models.directory import Country, Organization

EVENT_KINDS = ("webinar", "meeting", "conference", "ceremony", "festival-edition", "other")
EVENT_ROLES = ("organizer", "co-organizer", "supporter", "collaborator", "host")


class Event(RecordMixin, db.Model):
    """An event of the network. Times are stored in UTC beside the event's IANA zone.

    `start_date`/`end_date` are the days in the event's zone and are always known;
    `starts_at`/`ends_at` only when the time of day is known.
    """

    __tablename__ = "event"
    label_field = "title"

    kind: Mapped[str] = mapped_column(sa.String(24), index=True)
    title: Mapped[dict] = mapped_column(LangText)
    theme: Mapped[dict | None] = mapped_column(LangText)
    topics: Mapped[list] = mapped_column(JSONType, default=list)
    summary: Mapped[dict | None] = mapped_column(LangText)
    description: Mapped[dict | None] = mapped_column(LangText)
    timezone: Mapped[str] = mapped_column(sa.String(64))
    start_date: Mapped[date] = mapped_column(index=True)
    end_date: Mapped[date | None]
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: None when the sources do not say whether it was online.
    online: Mapped[bool | None]
    venue: Mapped[dict | None] = mapped_column(LangText)
    #: Where the venue is: its country, and its place on the map (both or neither).
    country_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("country.id", ondelete="SET NULL"), index=True
    )
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    languages: Mapped[list] = mapped_column(JSONType, default=list)
    recording_url: Mapped[str | None] = mapped_column(sa.String(500))
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_capacity: Mapped[int | None]
    #: Private: e-mailed to registrants, never shown in pages or API answers.
    join_url: Mapped[str | None] = mapped_column(sa.String(500))
    #: The account that created the event through the pages or the API (None for the seed).
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("account.id", ondelete="SET NULL"), index=True
    )

    country: Mapped[Country | None] = relationship()
    organization_links: Mapped[list[EventOrganization]] = relationship(
        back_populates="event",
        cascade="all, delete-orphan",
        order_by="EventOrganization.position",
    )
    sessions: Mapped[list[EventSession]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventSession.position"
    )
    days: Mapped[list[EventDay]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventDay.day"
    )


class EventDay(db.Model):
    """One day of an event, with its own hours as wall-clock times in the event's zone.

    An hour left empty is not known. The event's `start_date`/`end_date` and
    `starts_at`/`ends_at` are its first day's start and its last day's end.
    """

    __tablename__ = "event_day"

    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(primary_key=True)
    starts: Mapped[time | None]
    ends: Mapped[time | None]

    event: Mapped[Event] = relationship(back_populates="days")


class EventOrganization(db.Model):
    """An organisation's part in an event (organiser, co-organiser, supporter, …)."""

    __tablename__ = "event_organization"

    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship(back_populates="organization_links")
    organization: Mapped[Organization] = relationship(lazy="joined")


class EventSession(db.Model):
    """A session of an event's programme."""

    __tablename__ = "event_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    #: The session's identity for its whole life (calendar UIDs, links, addresses).
    uid: Mapped[str] = mapped_column(sa.String(32), unique=True, default=lambda: uuid.uuid4().hex)
    #: Order among sessions of the same day that start at the same time (or have none).
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[dict] = mapped_column(LangText)
    description: Mapped[dict | None] = mapped_column(LangText)
    #: The session's day in the event's zone (one of the event's days).
    day: Mapped[date | None]
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    languages: Mapped[list] = mapped_column(JSONType, default=list)
    interpretation: Mapped[bool | None]
    #: Private, like the event's.
    join_url: Mapped[str | None] = mapped_column(sa.String(500))

    event: Mapped[Event] = relationship(back_populates="sessions")
    speakers: Mapped[list[Speaker]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="Speaker.position"
    )


#: What a person did in a session.
SPEAKER_ROLES = ("speaker", "chair", "moderator", "performer")


class Speaker(db.Model):
    """A person in a session: their name in each language, affiliation and role.

    `name` is keyed by language, like every text (a name in Latin letters is held under
    `en`, in Cyrillic under `ru`, in Hangul under `ko`); `transliteration` is an
    optional Latin spelling of the name as its bearer writes it. The affiliation is a
    directory organisation, or free text, or both.
    """

    __tablename__ = "speaker"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event_session.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[dict] = mapped_column(LangText)
    transliteration: Mapped[str | None] = mapped_column(sa.String(200))
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="SET NULL"), index=True
    )
    affiliation: Mapped[dict | None] = mapped_column(LangText)
    role: Mapped[str] = mapped_column(sa.String(16), default="speaker", server_default="speaker")
    #: Their position or what they spoke on, per language.
    note: Mapped[dict | None] = mapped_column(LangText)

    session: Mapped[EventSession] = relationship(back_populates="speakers")
    organization: Mapped[Organization | None] = relationship()


def _registration(event: Event):
    """The event's registration settings as one object (None when none are set)."""
    from types import SimpleNamespace

    if not (
        event.registration_opens_at or event.registration_closes_at or event.registration_capacity
    ):
        return None
    return SimpleNamespace(
        opens_at=event.registration_opens_at,
        closes_at=event.registration_closes_at,
        capacity=event.registration_capacity,
        timezone=event.timezone,
    )


Event.registration = property(_registration, doc="Registration settings, or None.")
