"""Database tables for hybrid events: the online participation links and the reminders already sent."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .agenda import Event, EventSession, UTCDateTime, utcnow


class OnlineLink(db.Model):
    """How online participants join: the event's link, or one session's own (session_id set).

    A secret kept for confirmed online participants: no public page, feed or export reads this table.
    """

    __tablename__ = "online_links"
    __table_args__ = (sa.UniqueConstraint("event_id", "session_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    session_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("event_sessions.id", ondelete="CASCADE"), index=True
    )  #: None: the link of the whole event
    url: so.Mapped[str] = so.mapped_column(sa.String(1000))  #: livestream or meeting address, http(s)
    passcode: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    instructions: so.Mapped[str] = so.mapped_column(sa.Text, default="")  #: plain text
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    event: so.Mapped[Event] = so.relationship()
    session: so.Mapped[EventSession | None] = so.relationship()

    def __repr__(self):
        return f"<OnlineLink event={self.event_id} session={self.session_id}>"


class RegistrationReminder(db.Model):
    """The record that a registration's reminder before the event was queued: at most one each."""

    __tablename__ = "registration_reminders"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    registration_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), unique=True
    )
    outbox_message_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("outbox_messages.id", ondelete="SET NULL")
    )
    queued_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self):
        return f"<RegistrationReminder {self.registration_id}>"
