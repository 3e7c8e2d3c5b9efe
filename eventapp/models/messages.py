"""Messages organisers write to registrants, and the log of who received each one."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .agenda import Event, UTCDateTime, utcnow
from .registration import OutboxMessage


class Message(db.Model):
    """One message sent to a filtered set of an event's registrants."""

    __tablename__ = "messages"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    subject: so.Mapped[str] = so.mapped_column(sa.String(200))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    filters: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)  #: the filter the recipients were chosen by
    sent_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    sent_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    sent_by: so.Mapped[str] = so.mapped_column(sa.String(254), default="")  #: the sender's e-mail, kept if the account goes
    recipient_count: so.Mapped[int] = so.mapped_column(default=0)

    event: so.Mapped[Event] = so.relationship()
    recipients: so.Mapped[list[MessageRecipient]] = so.relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="MessageRecipient.id"
    )

    def __repr__(self):
        return f"<Message {self.id} to {self.recipient_count}>"


class MessageRecipient(db.Model):
    """One person's copy of a message: to whom and when."""

    __tablename__ = "message_recipients"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    message_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    registration_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("registrations.id", ondelete="SET NULL"), index=True
    )
    outbox_message_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("outbox_messages.id", ondelete="SET NULL")
    )
    reference: so.Mapped[str] = so.mapped_column(sa.String(24))
    name: so.Mapped[str] = so.mapped_column(sa.String(201))  #: emptied when the registration's data is erased
    email: so.Mapped[str] = so.mapped_column(sa.String(254))  #: emptied when the registration's data is erased
    queued_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    message: so.Mapped[Message] = so.relationship(back_populates="recipients")
    outbox_message: so.Mapped[OutboxMessage | None] = so.relationship()

    def __repr__(self):
        return f"<MessageRecipient {self.reference}>"
