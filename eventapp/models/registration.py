"""Database tables: registration policies, registrations, session bookings, history and the outbox."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..collation import fold
from ..extensions import db
from .agenda import Event, EventSession, UTCDateTime, utcnow


class ApprovalMode:
    OPEN = "open"  #: confirmed at once while places are left
    MODERATED = "moderated"  #: pending until an organiser approves
    ALL = (OPEN, MODERATED)


class RegistrationState:
    PENDING = "pending"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    ALL = (PENDING, CONFIRMED, WAITLISTED, DECLINED, CANCELLED)
    ACTIVE = (PENDING, CONFIRMED, WAITLISTED)


class BookingState:
    PENDING = "pending"  #: waits until the registration itself is confirmed
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    ALL = (PENDING, CONFIRMED, WAITLISTED, CANCELLED)


class ParticipationMode:
    IN_PERSON = "in_person"
    ONLINE = "online"
    ALL = (IN_PERSON, ONLINE)


class MailStatus:
    #: Written under the place lock without its calendar; completed right after the commit.
    PREPARING = "preparing"
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"  #: gave up: refused by the server or too many attempts
    ALL = (PREPARING, QUEUED, SENT, FAILED)


class RegistrationPolicy(db.Model):
    """How an event takes registrations: when, how many, and who decides."""

    __tablename__ = "registration_policies"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("events.id"), unique=True)
    opens_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)  #: None: open now
    closes_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)  #: None: the event's start
    in_person_capacity: so.Mapped[int | None] = so.mapped_column()  #: None means no limit
    online_capacity: so.Mapped[int | None] = so.mapped_column()  #: None means no limit
    is_hybrid: so.Mapped[bool] = so.mapped_column(default=False)  #: participants choose in person or online
    approval_mode: so.Mapped[str] = so.mapped_column(sa.String(16), default=ApprovalMode.OPEN)
    changes_close_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)  #: None: the event's start
    contact_email: so.Mapped[str] = so.mapped_column(sa.String(254), default="")  #: for changes after the deadline
    reference_prefix: so.Mapped[str] = so.mapped_column(sa.String(12), default="REG")  #: e.g. IDM24
    accepts_delegations: so.Mapped[bool] = so.mapped_column(default=False)  #: focal points may register a group
    reminder_hours_before: so.Mapped[int | None] = so.mapped_column(default=48)  #: None: no reminder e-mail

    event: so.Mapped[Event] = so.relationship(back_populates="registration_policy")

    def capacity(self, mode):
        return self.in_person_capacity if mode == ParticipationMode.IN_PERSON else self.online_capacity

    def __repr__(self):
        return f"<RegistrationPolicy event={self.event_id}>"


class Registration(db.Model):
    """One person's registration for one event."""

    __tablename__ = "registrations"
    __table_args__ = (sa.UniqueConstraint("event_id", "email_key"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("events.id"), index=True)
    reference: so.Mapped[str] = so.mapped_column(sa.String(24), unique=True)  #: e.g. IDM24-7KQ3M
    state: so.Mapped[str] = so.mapped_column(sa.String(16))
    mode: so.Mapped[str] = so.mapped_column(sa.String(16), default=ParticipationMode.IN_PERSON)
    waitlisted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)  #: place in the queue
    first_name: so.Mapped[str] = so.mapped_column(sa.String(100))
    last_name: so.Mapped[str] = so.mapped_column(sa.String(100))
    email: so.Mapped[str] = so.mapped_column(sa.String(254))
    email_key: so.Mapped[str] = so.mapped_column(sa.String(254))  #: casefolded address, unique per event
    organisation: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    job_title: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    stakeholder_group: so.Mapped[str] = so.mapped_column(sa.String(40))
    country_code: so.Mapped[str] = so.mapped_column(sa.String(2))  #: ISO 3166-1 alpha-2
    accessibility_needs: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    dietary_requirements: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    privacy_consent_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    listed_publicly: so.Mapped[bool] = so.mapped_column(default=False)  #: organisation may appear in the public list
    locale: so.Mapped[str] = so.mapped_column(sa.String(8), default="en")  #: language of the e-mails
    checked_in_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)  #: arrival at the venue
    checked_in_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    delegation_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("delegations.id", ondelete="SET NULL"), index=True
    )  #: set for a member of a delegation
    erased_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)  #: personal data removed; counts kept
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: name, e-mail, organisation and reference in lower case without accents, for the desk's search
    search_text: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    event: so.Mapped[Event] = so.relationship()
    delegation: so.Mapped["Delegation | None"] = so.relationship(back_populates="members")  # noqa: F821
    bookings: so.Mapped[list[SessionBooking]] = so.relationship(
        back_populates="registration", cascade="all, delete-orphan", order_by="SessionBooking.id"
    )
    history: so.Mapped[list[RegistrationChange]] = so.relationship(
        back_populates="registration", cascade="all, delete-orphan", order_by="RegistrationChange.id"
    )

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def is_active(self):
        return self.state in RegistrationState.ACTIVE

    @property
    def contact_email(self):
        """Where this person's e-mails go: their own address, else their delegation's focal point."""
        if self.email:
            return self.email
        return self.delegation.focal_email if self.delegation is not None else ""

    def __repr__(self):
        return f"<Registration {self.reference} {self.state}>"


@sa.event.listens_for(Registration, "before_insert")
@sa.event.listens_for(Registration, "before_update")
def _fill_search_text(mapper, connection, registration):
    registration.search_text = fold(" ".join((
        registration.first_name or "", registration.last_name or "", registration.email or "",
        registration.organisation or "", registration.reference or "",
    )))


class RegistrationToken(db.Model):
    """A manage link: only the SHA-256 of the random token is kept."""

    __tablename__ = "registration_tokens"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    registration_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    registration: so.Mapped[Registration] = so.relationship()

    def __repr__(self):
        return f"<RegistrationToken {self.registration_id}>"


class SessionBooking(db.Model):
    """A registration's place at a session that takes its own registration."""

    __tablename__ = "session_bookings"
    __table_args__ = (sa.UniqueConstraint("registration_id", "session_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    registration_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("registrations.id"), index=True)
    session_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("event_sessions.id"), index=True)
    state: so.Mapped[str] = so.mapped_column(sa.String(16), default=BookingState.PENDING)
    waitlisted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    checked_in_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)  #: arrival at the session's door

    registration: so.Mapped[Registration] = so.relationship(back_populates="bookings")
    session: so.Mapped[EventSession] = so.relationship()

    def __repr__(self):
        return f"<SessionBooking {self.registration_id}@{self.session_id} {self.state}>"


class RegistrationChange(db.Model):
    """One entry of a registration's history: a state change, with when, why and by whom."""

    __tablename__ = "registration_changes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    registration_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    session_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("event_sessions.id"))  #: set for a booking's change
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    from_state: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    to_state: so.Mapped[str] = so.mapped_column(sa.String(16))
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    actor: so.Mapped[str] = so.mapped_column(sa.String(200), default="")  #: "participant", "system" or an organiser

    registration: so.Mapped[Registration] = so.relationship(back_populates="history")

    def __repr__(self):
        return f"<RegistrationChange {self.from_state}->{self.to_state}>"


class EmailChange(db.Model):
    """A new address waiting to be confirmed from its own mailbox."""

    __tablename__ = "email_changes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    registration_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    new_email: so.Mapped[str] = so.mapped_column(sa.String(254))
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    confirmed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    registration: so.Mapped[Registration] = so.relationship()

    def __repr__(self):
        return f"<EmailChange {self.registration_id}>"


class OutboxMessage(db.Model):
    """An e-mail written in the transaction that caused it, delivered later by the mail worker."""

    __tablename__ = "outbox_messages"
    __table_args__ = (sa.Index("ix_outbox_messages_due", "status", "next_attempt_at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    registration_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("registrations.id", ondelete="SET NULL"), index=True
    )
    kind: so.Mapped[str] = so.mapped_column(sa.String(32))  #: e.g. "confirmation", "reminder"
    message_id: so.Mapped[str] = so.mapped_column(sa.String(200), unique=True)  #: same on every attempt
    sender: so.Mapped[str] = so.mapped_column(sa.String(300))
    recipient: so.Mapped[str] = so.mapped_column(sa.String(254))
    subject: so.Mapped[str] = so.mapped_column(sa.String(300))
    text_body: so.Mapped[str] = so.mapped_column(sa.Text)  #: emptied once delivered: it holds a manage link
    html_body: so.Mapped[str] = so.mapped_column(sa.Text)
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default=MailStatus.QUEUED)
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    next_attempt_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_error: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    attachments: so.Mapped[list[OutboxAttachment]] = so.relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="OutboxAttachment.id"
    )

    def __repr__(self):
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"


class OutboxAttachment(db.Model):
    __tablename__ = "outbox_attachments"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    outbox_message_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True
    )
    filename: so.Mapped[str] = so.mapped_column(sa.String(200))
    content_type: so.Mapped[str] = so.mapped_column(sa.String(100))  #: e.g. text/calendar
    data: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)

    message: so.Mapped[OutboxMessage] = so.relationship(back_populates="attachments")

    def __repr__(self):
        return f"<OutboxAttachment {self.filename}>"
