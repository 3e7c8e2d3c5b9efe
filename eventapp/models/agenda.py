"""Database tables: events, their rooms and sections, agenda sessions, speakers and tags."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db

if TYPE_CHECKING:
    from .awards import AwardsProgramme
    from .registration import RegistrationPolicy


def utcnow():
    return datetime.now(timezone.utc)


def new_uid():
    return str(uuid.uuid4())


class UTCDateTime(sa.TypeDecorator):
    """An instant stored in UTC, returned timezone-aware on every database (SQLite included)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class EventKind:
    IDM = "idm"
    AWARDS = "awards"
    SIDE_EVENT = "side_event"
    MEETING = "meeting"
    CONFERENCE = "conference"
    ALL = (IDM, AWARDS, SIDE_EVENT, MEETING, CONFERENCE)


class EventStatus:
    DRAFT = "draft"
    PUBLISHED = "published"
    ALL = (DRAFT, PUBLISHED)


class SessionType:
    OPENING = "opening"
    KEYNOTE = "keynote"
    PANEL = "panel"
    BREAK = "break"
    CEREMONY = "ceremony"
    RECEPTION = "reception"
    CLOSING = "closing"
    SIDE_EVENT = "side_event"
    WORKSHOP = "workshop"
    ALL = (OPENING, KEYNOTE, PANEL, BREAK, CEREMONY, RECEPTION, CLOSING, SIDE_EVENT, WORKSHOP)


class SessionStatus:
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    ALL = (SCHEDULED, CANCELLED)


class SpeakerRole:
    MODERATOR = "moderator"
    PANELIST = "panelist"
    KEYNOTE = "keynote"
    SPEAKER = "speaker"
    HOST = "host"
    ALL = (MODERATOR, PANELIST, KEYNOTE, SPEAKER, HOST)


class TagScheme:
    SDG = "sdg"
    GCM = "gcm"
    TOPIC = "topic"
    ALL = (SDG, GCM, TOPIC)


event_tags = sa.Table(
    "event_tags",
    db.metadata,
    sa.Column("event_id", sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)

session_tags = sa.Table(
    "session_tags",
    db.metadata,
    sa.Column("session_id", sa.ForeignKey("event_sessions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)


class Tag(db.Model):
    """A Sustainable Development Goal, a Global Compact for Migration objective or a topic."""

    __tablename__ = "tags"
    __table_args__ = (sa.UniqueConstraint("scheme", "code"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    scheme: so.Mapped[str] = so.mapped_column(sa.String(16))  #: one of TagScheme.ALL
    code: so.Mapped[str] = so.mapped_column(sa.String(32))  #: e.g. "17" for SDG 17; the URL value
    label: so.Mapped[str] = so.mapped_column(sa.String(200))

    @property
    def slug(self):
        return f"{self.scheme}-{self.code}"

    def __repr__(self):
        return f"<Tag {self.slug}>"


class Event(db.Model):
    __tablename__ = "events"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(100), unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(300))
    kind: so.Mapped[str] = so.mapped_column(sa.String(20), default=EventKind.IDM)
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=EventStatus.DRAFT)
    starts_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)  #: UTC
    ends_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)  #: UTC
    timezone: so.Mapped[str] = so.mapped_column(sa.String(64))  #: IANA name, e.g. Europe/Zurich
    venue_name: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    venue_address: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    city: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    country_code: so.Mapped[str] = so.mapped_column(sa.String(2), default="")  #: ISO 3166-1 alpha-2
    summary: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    agenda_label: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    agenda_is_final: so.Mapped[bool] = so.mapped_column(default=False)
    is_demo: so.Mapped[bool] = so.mapped_column(default=False)  #: loaded by seed-demo
    #: Websites allowed to show the agenda widget in a frame: one origin per line, e.g. https://www.iom.int
    embed_origins: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    sections: so.Mapped[list[EventSection]] = so.relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventSection.position"
    )
    rooms: so.Mapped[list[Room]] = so.relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Room.position"
    )
    sessions: so.Mapped[list[EventSession]] = so.relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventSession.starts_at"
    )
    tags: so.Mapped[list[Tag]] = so.relationship(secondary=event_tags, order_by="Tag.id")
    #: Loaded with the event (one join, no extra query) so every event page can link to it.
    awards_programme: so.Mapped[AwardsProgramme | None] = so.relationship(
        back_populates="event", cascade="all, delete-orphan", lazy="joined"
    )
    #: How the event takes registrations (models/registration.py); None: it does not.
    registration_policy: so.Mapped[RegistrationPolicy | None] = so.relationship(back_populates="event")

    @property
    def is_published(self):
        return self.status == EventStatus.PUBLISHED

    def __repr__(self):
        return f"<Event {self.slug}>"


class EventSection(db.Model):
    """A long text block of an event page, e.g. "Aim of this session"."""

    __tablename__ = "event_sections"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("events.id"), index=True)
    heading: so.Mapped[str] = so.mapped_column(sa.String(300))
    body: so.Mapped[str] = so.mapped_column(sa.Text)  #: plain text; blank lines separate paragraphs, "- " starts a list item
    position: so.Mapped[int] = so.mapped_column(default=0)

    event: so.Mapped[Event] = so.relationship(back_populates="sections")

    def __repr__(self):
        return f"<EventSection {self.heading!r}>"


class Room(db.Model):
    __tablename__ = "rooms"
    __table_args__ = (sa.UniqueConstraint("event_id", "name"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("events.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    position: so.Mapped[int] = so.mapped_column(default=0)

    event: so.Mapped[Event] = so.relationship(back_populates="rooms")

    def __repr__(self):
        return f"<Room {self.name!r}>"


class EventSession(db.Model):
    """One item of an agenda: a panel, a break, a ceremony..."""

    __tablename__ = "event_sessions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("events.id"), index=True)
    uid: so.Mapped[str] = so.mapped_column(sa.String(36), unique=True, default=new_uid)  #: calendar UID, never changes
    title: so.Mapped[str] = so.mapped_column(sa.String(300))
    session_type: so.Mapped[str] = so.mapped_column(sa.String(20), default=SessionType.PANEL)
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=SessionStatus.SCHEDULED)
    starts_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, index=True)  #: UTC
    ends_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)  #: UTC
    room_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("rooms.id"), index=True)
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    capacity: so.Mapped[int | None] = so.mapped_column()  #: None means no limit
    requires_registration: so.Mapped[bool] = so.mapped_column(default=False)
    sequence: so.Mapped[int] = so.mapped_column(default=0)  #: iCalendar SEQUENCE
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)  #: last change people see

    event: so.Mapped[Event] = so.relationship(back_populates="sessions")
    room: so.Mapped[Room | None] = so.relationship()
    speakers: so.Mapped[list[SessionSpeaker]] = so.relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="SessionSpeaker.position"
    )
    tags: so.Mapped[list[Tag]] = so.relationship(secondary=session_tags, order_by="Tag.id")
    #: whether the session has public documents; loaded by the agenda's query (services/agenda/pages.py)
    has_documents: so.Mapped[bool] = so.query_expression(default_expr=sa.false())

    @property
    def is_cancelled(self):
        return self.status == SessionStatus.CANCELLED

    def __repr__(self):
        return f"<EventSession {self.id} {self.title!r}>"


class Person(db.Model):
    """A speaker, moderator or host."""

    __tablename__ = "people"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    affiliation: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    position_title: so.Mapped[str] = so.mapped_column(sa.String(300), default="")  #: job title
    bio: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    appearances: so.Mapped[list[SessionSpeaker]] = so.relationship(back_populates="person")

    def __repr__(self):
        return f"<Person {self.slug}>"


class SessionSpeaker(db.Model):
    __tablename__ = "session_speakers"
    __table_args__ = (sa.UniqueConstraint("session_id", "person_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    session_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("event_sessions.id"), index=True)
    person_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("people.id"), index=True)
    role: so.Mapped[str] = so.mapped_column(sa.String(20), default=SpeakerRole.SPEAKER)
    position: so.Mapped[int] = so.mapped_column(default=0)

    session: so.Mapped[EventSession] = so.relationship(back_populates="speakers")
    person: so.Mapped[Person] = so.relationship(back_populates="appearances")

    def __repr__(self):
        return f"<SessionSpeaker {self.person_id} {self.role} in {self.session_id}>"
