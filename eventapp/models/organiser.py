"""Organiser tables: accounts, who manages which event, the agenda working copy, revisions, audit log."""
from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin

from ..extensions import db
from .agenda import Event, EventSession, Person, Room, SessionStatus, SessionType, SpeakerRole, Tag, UTCDateTime, new_uid, utcnow


def new_session_token():
    return secrets.token_urlsafe(32)


class Role:
    ADMIN = "admin"
    ORGANISER = "organiser"
    ALL = (ADMIN, ORGANISER)


event_organisers = sa.Table(
    "event_organisers",
    db.metadata,
    sa.Column("event_id", sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)

#: The people an event's organisers may pick as speakers and edit (people are shared between events).
event_people = sa.Table(
    "event_people",
    db.metadata,
    sa.Column("event_id", sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("person_id", sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, db.Model):
    """An admin or an organiser who signs in to the /manage pages."""

    __tablename__ = "users"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)  #: normalised, lower case
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(255))  #: argon2id
    role: so.Mapped[str] = so.mapped_column(sa.String(20), default=Role.ORGANISER)
    is_active: so.Mapped[bool] = so.mapped_column(default=True)  #: False: cannot sign in
    #: what the login cookie names; changed with the password so that other sessions end
    session_token: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True, default=new_session_token)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_login_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    events: so.Mapped[list[Event]] = so.relationship(secondary=event_organisers, order_by="Event.starts_at")

    @property
    def is_admin(self):
        return self.role == Role.ADMIN

    def get_id(self):
        return self.session_token

    def __repr__(self):
        return f"<User {self.email} {self.role}>"


class DraftSession(db.Model):
    """A session of the working copy organisers edit; publishing copies it to event_sessions."""

    __tablename__ = "draft_sessions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: the published session this draft edits; None until its first publication
    session_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("event_sessions.id"), unique=True)
    uid: so.Mapped[str] = so.mapped_column(sa.String(36), unique=True, default=new_uid)  #: the calendar UID it gets
    title: so.Mapped[str] = so.mapped_column(sa.String(300))
    session_type: so.Mapped[str] = so.mapped_column(sa.String(20), default=SessionType.PANEL)
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=SessionStatus.SCHEDULED)
    starts_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, index=True)  #: UTC
    ends_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)  #: UTC
    room_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("rooms.id"), index=True)
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    capacity: so.Mapped[int | None] = so.mapped_column()  #: None means no limit
    requires_registration: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: so.Mapped[Event] = so.relationship()
    published: so.Mapped[EventSession | None] = so.relationship()
    room: so.Mapped[Room | None] = so.relationship()
    speakers: so.Mapped[list[DraftSpeaker]] = so.relationship(
        back_populates="draft", cascade="all, delete-orphan", order_by="DraftSpeaker.position"
    )
    #: topics (models/documents.py holds the table)
    tags: so.Mapped[list[Tag]] = so.relationship(secondary="draft_session_tags", order_by="Tag.id")

    @property
    def is_cancelled(self):
        return self.status == SessionStatus.CANCELLED

    @property
    def is_published(self):
        return self.session_id is not None

    def __repr__(self):
        return f"<DraftSession {self.id} {self.title!r}>"


class DraftSpeaker(db.Model):
    __tablename__ = "draft_session_speakers"
    __table_args__ = (sa.UniqueConstraint("draft_session_id", "person_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    draft_session_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("draft_sessions.id", ondelete="CASCADE"), index=True
    )
    person_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("people.id"), index=True)
    role: so.Mapped[str] = so.mapped_column(sa.String(20), default=SpeakerRole.SPEAKER)
    position: so.Mapped[int] = so.mapped_column(default=0)

    draft: so.Mapped[DraftSession] = so.relationship(back_populates="speakers")
    person: so.Mapped[Person] = so.relationship()

    def __repr__(self):
        return f"<DraftSpeaker {self.person_id} {self.role} in {self.draft_session_id}>"


class AgendaRevision(db.Model):
    """A published version of an event's agenda: its label, what changed and what it contained."""

    __tablename__ = "agenda_revisions"
    __table_args__ = (sa.UniqueConstraint("event_id", "number"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    number: so.Mapped[int] = so.mapped_column()  #: 1, 2, 3... per event
    label: so.Mapped[str] = so.mapped_column(sa.String(200))
    is_final: so.Mapped[bool] = so.mapped_column(default=False)
    published_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    published_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    published_by: so.Mapped[str] = so.mapped_column(sa.String(254), default="")  #: e-mail, kept if the user goes
    changes: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)  #: one dict per changed session
    snapshot: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)  #: every session as published

    event: so.Mapped[Event] = so.relationship()

    def __repr__(self):
        return f"<AgendaRevision {self.event_id}#{self.number} {self.label!r}>"


class AuditEntry(db.Model):
    """Who changed what and when: events, sessions, publications, accounts."""

    __tablename__ = "audit_log"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    user_email: so.Mapped[str] = so.mapped_column(sa.String(254), default="")  #: kept if the user goes
    event_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("events.id", ondelete="SET NULL"), index=True)
    action: so.Mapped[str] = so.mapped_column(sa.String(40))  #: e.g. "session.update"
    target: so.Mapped[str] = so.mapped_column(sa.String(300), default="")  #: what it was done to, in words
    details: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)

    event: so.Mapped[Event | None] = so.relationship()

    def __repr__(self):
        return f"<AuditEntry {self.action} by {self.user_email}>"
