"""Answers to an event's own registration questions: validate, store, fill in forms, erase.

`save_answers(registration, raw)` is the one door for every registration path (the public form,
the participant's own page, delegation members and walk-ins): it checks each answer against
its question, server side, and raises `AnswersInvalid` with a message per question, storing
nothing, when one is wrong. Answers to questions not asked now (retired, or asked of the other
way of taking part) are never touched, so editing a form never loses an answer.
"""
from __future__ import annotations

import math
import unicodedata
from datetime import date, datetime, timezone

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...extensions import db
from ...i18n import is_country
from ...models import (
    AskedOf,
    ParticipationMode,
    QuestionKind,
    RegistrationAnswer,
    RegistrationQuestion,
    answer_choices,
)
from .. import audit
from ..errors import DomainError, ValidationFailed
from .availability import changes_close_at

TEXT_LIMITS = {QuestionKind.SHORT_TEXT: 300, QuestionKind.PARAGRAPH: 2000}
YES, NO, ACCEPTED = "yes", "no", "accepted"
TICKED = {"y", "yes", "on", "true", "1", ACCEPTED}


class AnswersInvalid(ValidationFailed):
    """Some answers are wrong; `errors` maps each question id to its message. Nothing was stored."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__(_l("Please check your answers to the questions."))


class AnswersClosed(DomainError):
    status_code = 403


def field_name(question):
    return f"q{question.id}"


def asked_questions(event, mode=None):
    """The questions the form asks now, in order; with a mode, only those asked of it."""
    questions = db.session.scalars(
        sa.select(RegistrationQuestion)
        .where(RegistrationQuestion.event_id == event.id, RegistrationQuestion.retired_at.is_(None))
        .options(so.selectinload(RegistrationQuestion.choices))
        .order_by(RegistrationQuestion.position, RegistrationQuestion.id)
    ).all()
    return [q for q in questions if mode is None or q.is_asked_of(mode)]


def form_questions(policy):
    """The questions a registration form shows: on a hybrid event those of either way of taking
    part (the answers then checked are those of the way chosen), else those asked in person."""
    return asked_questions(policy.event, None if policy.is_hybrid else ParticipationMode.IN_PERSON)


def for_mode(questions, mode):
    """The questions asked of people taking part this way; no way chosen yet: those asked of everyone."""
    return [q for q in questions if q.asked_of == AskedOf.BOTH or (mode and q.asked_of == mode)]


def _number(text):
    return float(text.replace(",", ".").replace(" ", "").replace("\u202f", ""))


def plain_number(value):
    return str(int(value)) if value == int(value) else repr(value)


def _has_control_characters(text):
    return any(unicodedata.category(c) == "Cc" and c not in "\r\n\t" for c in text)


def _given(value):
    if value is None or value is False:
        return None
    if isinstance(value, (list, tuple, set)):
        return [str(v).strip() for v in value if str(v).strip()] or None
    text = str(value).strip()
    return text or None


def _check_one(question, value, held_choice_ids, enforce_required=True):
    """(stored text, chosen choices) for one answer, or raise ValueError with the message."""
    kind = question.kind
    given = _given(value)
    if given is None:
        if question.is_required and enforce_required:
            if kind == QuestionKind.ACCEPT:
                raise ValueError(_("Please tick this box to register."))
            if kind in QuestionKind.WITH_CHOICES or kind in (QuestionKind.YES_NO, QuestionKind.COUNTRY):
                raise ValueError(_("Please choose an answer."))
            raise ValueError(_("Please answer this question."))
        return None
    if kind in QuestionKind.WITH_CHOICES:
        offered = {c.id: c for c in question.choices if c.retired_at is None or c.id in held_choice_ids}
        picked = given if isinstance(given, list) else [given]
        if kind == QuestionKind.SINGLE_CHOICE and len(picked) > 1:
            raise ValueError(_("Please choose only one answer."))
        try:
            chosen = [offered[int(v)] for v in dict.fromkeys(picked)]
        except (KeyError, ValueError):
            raise ValueError(_("Please choose among the answers listed.")) from None
        return "", sorted(chosen, key=lambda c: c.position)
    if isinstance(given, list):
        raise ValueError(_("Please give one answer."))
    if kind in TEXT_LIMITS:
        if len(given) > TEXT_LIMITS[kind]:
            raise ValueError(_("Please keep this under %(max)d characters.", max=TEXT_LIMITS[kind]))
        if _has_control_characters(given):
            raise ValueError(_("Please remove the invisible control characters from this field."))
        return given, []
    if kind == QuestionKind.YES_NO:
        if given.lower() not in (YES, NO):
            raise ValueError(_("Please answer yes or no."))
        return given.lower(), []
    if kind == QuestionKind.ACCEPT:
        if given.lower() not in TICKED:
            raise ValueError(_("Please tick this box to register."))
        return ACCEPTED, []
    if kind == QuestionKind.NUMBER:
        try:
            number = _number(given)
        except ValueError:
            raise ValueError(_("Please enter a number, for example 12 or 2.5.")) from None
        low, high = question.min_value, question.max_value
        if not math.isfinite(number):
            raise ValueError(_("Please enter a number, for example 12 or 2.5."))
        if (low is not None and number < low) or (high is not None and number > high):
            if low is not None and high is not None:
                raise ValueError(_("Please enter a number from %(low)s to %(high)s.",
                                   low=plain_number(low), high=plain_number(high)))
            if low is not None:
                raise ValueError(_("Please enter a number of at least %(low)s.", low=plain_number(low)))
            raise ValueError(_("Please enter a number of at most %(high)s.", high=plain_number(high)))
        return plain_number(number), []
    if kind == QuestionKind.DATE:
        try:
            return date.fromisoformat(given).isoformat(), []
        except ValueError:
            raise ValueError(_("Please enter a date as YYYY-MM-DD, for example 2030-05-06.")) from None
    if kind == QuestionKind.COUNTRY:
        code = given.upper()
        if not is_country(code):
            raise ValueError(_("Please choose a country from the list."))
        return code, []
    raise ValueError(_("Please answer this question."))


def _raw_value(raw, question):
    for key in (question.id, str(question.id), field_name(question)):
        if key in raw:
            return raw[key]
    return None


def _stored(registration):
    if registration is None or registration.id is None:
        return {}
    return {a.question_id: a for a in db.session.scalars(
        sa.select(RegistrationAnswer).where(RegistrationAnswer.registration_id == registration.id)
        .options(so.selectinload(RegistrationAnswer.choices))
    )}


def check_answers(questions, raw, *, registration=None, enforce_required=True):
    """{question id: message} for every wrong answer among `questions` (empty: all fine).

    `enforce_required=False` lets a required question go unanswered (organisers adding someone by
    hand); what is given is still checked.
    """
    stored = _stored(registration)
    errors = {}
    for question in questions:
        held = {c.id for c in stored[question.id].choices} if question.id in stored else set()
        try:
            _check_one(question, _raw_value(raw, question), held, enforce_required)
        except ValueError as exc:
            errors[question.id] = str(exc)
    return errors


def save_answers(registration, raw, *, questions=None, enforce_required=True):
    """Validate and store answers ({question id or "q<id>": text, list of choice ids, or bool}).

    Only the questions asked of the registration's way of taking part are read; an empty answer to
    an optional question removes the earlier one (as does an empty answer to a required one when
    `enforce_required` is False, as for organisers adding someone by hand). Raises AnswersInvalid and stores nothing if one
    answer is wrong. Returns the ids of the questions whose answer changed.
    """
    if questions is None:
        questions = asked_questions(registration.event, registration.mode)
    stored = _stored(registration)
    cleaned, errors = {}, {}
    for question in questions:
        held = {c.id for c in stored[question.id].choices} if question.id in stored else set()
        try:
            cleaned[question.id] = _check_one(question, _raw_value(raw, question), held, enforce_required)
        except ValueError as exc:
            errors[question.id] = str(exc)
    if errors:
        raise AnswersInvalid(errors)
    changed = []
    for question in questions:
        result, answer = cleaned[question.id], stored.get(question.id)
        if result is None:
            if answer is not None:
                db.session.delete(answer)
                changed.append(question.id)
            continue
        value, chosen = result
        if answer is None:
            answer = RegistrationAnswer(registration_id=registration.id, question=question, value=value, choices=chosen)
            db.session.add(answer)
            changed.append(question.id)
        elif answer.value != value or [c.id for c in answer.choices] != [c.id for c in chosen]:
            answer.value, answer.choices = value, chosen
            changed.append(question.id)
    db.session.flush()
    return changed


def change_answers(registration, raw, *, now=None):
    """The participant changes their answers from their own page, until the deadline for changes."""
    now = now or datetime.now(timezone.utc)
    if not registration.is_active:
        raise AnswersClosed(_l("This registration is no longer active."))
    if now >= changes_close_at(registration.event.registration_policy):
        raise AnswersClosed(_l("The deadline for changes has passed."))
    return save_answers(registration, raw)


def correct_answers(registration, raw, user):
    """An organiser corrects a person's answers (no deadline); the change is kept in the audit log."""
    changed = save_answers(registration, raw)
    if changed:
        audit.record(user, "registration.answers", event=registration.event, target=registration.reference,
                     details={"questions": changed})
    return changed


def stored_values(registration):
    """{"q<id>": value as a form shows it} of the registration's answers, to fill in its form."""
    values = {}
    for question_id, answer in _stored(registration).items():
        if answer.question.kind == QuestionKind.MULTIPLE_CHOICE:
            values[f"q{question_id}"] = [str(c.id) for c in answer.choices]
        elif answer.question.kind == QuestionKind.SINGLE_CHOICE:
            values[f"q{question_id}"] = str(answer.choices[0].id) if answer.choices else ""
        elif answer.question.kind == QuestionKind.ACCEPT:
            values[f"q{question_id}"] = answer.value == ACCEPTED
        else:
            values[f"q{question_id}"] = answer.value
    return values


def held_choices(registration):
    """{question id: retired choices this registration holds}, so that its form can keep showing them."""
    return {qid: [c for c in a.choices if c.retired_at is not None] for qid, a in _stored(registration).items()}


def erase_answers(registration_ids):
    """Remove every answer of these registrations (erasure and purge)."""
    answers = sa.select(RegistrationAnswer.id).where(RegistrationAnswer.registration_id.in_(registration_ids))
    db.session.execute(sa.delete(answer_choices).where(answer_choices.c.answer_id.in_(answers)))
    db.session.execute(sa.delete(RegistrationAnswer).where(RegistrationAnswer.registration_id.in_(registration_ids)))
