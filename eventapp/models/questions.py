"""An event's own registration questions, their choices, and each registration's answers."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .agenda import Event, UTCDateTime, utcnow
from .registration import Registration


class QuestionKind:
    SHORT_TEXT = "short_text"
    PARAGRAPH = "paragraph"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"
    NUMBER = "number"
    DATE = "date"
    COUNTRY = "country"
    ACCEPT = "accept"  #: "accept this statement": a checkbox that, when required, must be ticked
    ALL = (SHORT_TEXT, PARAGRAPH, SINGLE_CHOICE, MULTIPLE_CHOICE, YES_NO, NUMBER, DATE, COUNTRY, ACCEPT)
    WITH_CHOICES = (SINGLE_CHOICE, MULTIPLE_CHOICE)


class AskedOf:
    BOTH = "both"
    IN_PERSON = "in_person"
    ONLINE = "online"
    ALL = (BOTH, IN_PERSON, ONLINE)


def _in(language, english, french, spanish):
    """The text in the reader's language, English when no translation was given."""
    return {"fr": french, "es": spanish}.get((language or "en")[:2]) or english


class RegistrationQuestion(db.Model):
    """A question an event's organisers ask on its registration form."""

    __tablename__ = "registration_questions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    position: so.Mapped[int] = so.mapped_column(default=0)  #: order on the form
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    label: so.Mapped[str] = so.mapped_column(sa.String(300))  #: English
    label_fr: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    label_es: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    help_text: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    help_fr: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    help_es: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    is_required: so.Mapped[bool] = so.mapped_column(default=False)
    asked_of: so.Mapped[str] = so.mapped_column(sa.String(16), default=AskedOf.BOTH)
    widget: so.Mapped[str] = so.mapped_column(sa.String(16), default="radio")  #: single choice: radio or select
    min_value: so.Mapped[float | None] = so.mapped_column(sa.Float)  #: number: lowest accepted, None for none
    max_value: so.Mapped[float | None] = so.mapped_column(sa.Float)
    retired_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)  #: no longer asked; answers kept
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    event: so.Mapped[Event] = so.relationship()
    choices: so.Mapped[list[QuestionChoice]] = so.relationship(
        back_populates="question", cascade="all, delete-orphan", order_by="QuestionChoice.position"
    )

    @property
    def is_retired(self):
        return self.retired_at is not None

    @property
    def active_choices(self):
        return [c for c in self.choices if c.retired_at is None]

    def text(self, language):
        return _in(language, self.label, self.label_fr, self.label_es)

    def help(self, language):
        return _in(language, self.help_text, self.help_fr, self.help_es)

    def is_asked_of(self, mode):
        return self.asked_of == AskedOf.BOTH or mode is None or self.asked_of == mode

    def __repr__(self):
        return f"<RegistrationQuestion {self.id} {self.kind}>"


class QuestionChoice(db.Model):
    """One choice of a single or multiple choice question."""

    __tablename__ = "question_choices"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    question_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("registration_questions.id", ondelete="CASCADE"), index=True
    )
    position: so.Mapped[int] = so.mapped_column(default=0)
    label: so.Mapped[str] = so.mapped_column(sa.String(200))
    label_fr: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    label_es: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    retired_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)  #: no longer offered; answers kept

    question: so.Mapped[RegistrationQuestion] = so.relationship(back_populates="choices")

    def text(self, language):
        return _in(language, self.label, self.label_fr, self.label_es)

    def __repr__(self):
        return f"<QuestionChoice {self.id} {self.label!r}>"


answer_choices = sa.Table(
    "registration_answer_choices",
    db.metadata,
    sa.Column("answer_id", sa.ForeignKey("registration_answers.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("choice_id", sa.ForeignKey("question_choices.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class RegistrationAnswer(db.Model):
    """One registration's answer to one question: a text value, or the choices picked."""

    __tablename__ = "registration_answers"
    __table_args__ = (sa.UniqueConstraint("registration_id", "question_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    registration_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    question_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("registration_questions.id", ondelete="CASCADE"), index=True
    )
    #: text as typed; "yes"/"no"; a number or an ISO date as text; a country code; "accepted"
    value: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    registration: so.Mapped[Registration] = so.relationship()
    question: so.Mapped[RegistrationQuestion] = so.relationship()
    choices: so.Mapped[list[QuestionChoice]] = so.relationship(secondary=answer_choices, order_by="QuestionChoice.position")

    def __repr__(self):
        return f"<RegistrationAnswer {self.registration_id}:{self.question_id}>"
