"""Answers to an event's own questions as people read them: pages, exports, data downloads, the desk's filter.

Retired questions and choices are shown like the others, marked "(retired)": an answer stays
readable whatever became of its question.
"""
from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from ...extensions import db
from ...i18n import country_choices, country_name
from ...models import (
    QuestionKind,
    Registration,
    RegistrationAnswer,
    RegistrationQuestion,
    answer_choices,
)
from .answers import ACCEPTED, NO, YES


def choice_label(choice, language=None):
    """A choice's wording, marked "(retired)" when it is no longer offered."""
    return choice.text(language) + (" " + _("(retired)") if choice.retired_at else "")


def display(answer, language=None):
    """An answer as a person reads it; a retired choice is marked as such."""
    kind = answer.question.kind
    if kind in QuestionKind.WITH_CHOICES:
        return "; ".join(choice_label(c, language) for c in answer.choices)
    if kind == QuestionKind.YES_NO:
        return _("Yes") if answer.value == YES else _("No")
    if kind == QuestionKind.ACCEPT:
        return _("Accepted") if answer.value == ACCEPTED else ""
    if kind == QuestionKind.COUNTRY:
        return country_name(answer.value)
    return answer.value


def answers_by_registration(registration_ids):
    """{registration id: {question id: answer}} for many registrations, in two queries."""
    found = defaultdict(dict)
    ids = list(registration_ids)
    for start in range(0, len(ids), 500):
        for answer in db.session.scalars(
            sa.select(RegistrationAnswer).where(RegistrationAnswer.registration_id.in_(ids[start:start + 500]))
            .options(so.selectinload(RegistrationAnswer.choices))
        ):
            found[answer.registration_id][answer.question_id] = answer
    return found


def answered_list(registration, language=None):
    """[(question, label, answer)] of the registration's answers in the form's order, retired ones included."""
    stored = answers_by_registration([registration.id]).get(registration.id, {})
    questions = db.session.scalars(
        sa.select(RegistrationQuestion).where(RegistrationQuestion.id.in_(list(stored)))
        .order_by(RegistrationQuestion.position, RegistrationQuestion.id)
    ).all() if stored else []
    return [(q, q.text(language), display(stored[q.id], language)) for q in questions]


def export_answers(registration):
    """The registration's answers for its data download, each with the question in English."""
    return [
        {"question": label, "answer": text, "question_retired": q.is_retired}
        for q, label, text in answered_list(registration, "en")
    ]


def answer_texts(selection, questions, language=None):
    """{registration id: {question id: answer as read}} for a list of registration ids or a SELECT of them.

    Reads plain rows (two queries whatever the number) and words each answer with the questions
    given (the event's, choices loaded): quick enough for an export of thousands.
    """
    if isinstance(selection, (list, tuple)) and not selection:
        return {}
    by_id = {q.id: q for q in questions}
    choices = {c.id: c for q in questions for c in q.choices}
    choice_text = {cid: choice_label(c, language) for cid, c in choices.items()}
    words = {YES: _("Yes"), NO: _("No"), ACCEPTED: _("Accepted")}
    countries = dict(country_choices())
    picked = defaultdict(list)
    for answer_id, choice_id in db.session.execute(
        sa.select(answer_choices.c.answer_id, answer_choices.c.choice_id)
        .join(RegistrationAnswer, RegistrationAnswer.id == answer_choices.c.answer_id)
        .where(RegistrationAnswer.registration_id.in_(selection))
    ):
        picked[answer_id].append(choice_id)
    found = defaultdict(dict)
    for answer_id, registration_id, question_id, value in db.session.execute(
        sa.select(RegistrationAnswer.id, RegistrationAnswer.registration_id, RegistrationAnswer.question_id,
                  RegistrationAnswer.value).where(RegistrationAnswer.registration_id.in_(selection))
    ):
        question = by_id.get(question_id)
        if question is None:
            continue
        if question.kind in QuestionKind.WITH_CHOICES:
            ids = sorted(picked.get(answer_id, []), key=lambda cid: choices[cid].position if cid in choices else 0)
            text = "; ".join(choice_text.get(cid, "") for cid in ids)
        elif question.kind in (QuestionKind.YES_NO, QuestionKind.ACCEPT):
            text = words.get(value, value)
        elif question.kind == QuestionKind.COUNTRY:
            text = countries.get(value, value)
        else:
            text = value
        found[registration_id][question_id] = text
    return found


def answered_with(answer):
    """SQL condition for the desk's filter: "<choice id>" picked, or "<question id>:yes" / ":no" answered."""
    if ":" in str(answer):
        question_id, value = str(answer).split(":", 1)
        return Registration.id.in_(sa.select(RegistrationAnswer.registration_id).where(
            RegistrationAnswer.question_id == int(question_id), RegistrationAnswer.value == value))
    return Registration.id.in_(
        sa.select(RegistrationAnswer.registration_id)
        .join(answer_choices, answer_choices.c.answer_id == RegistrationAnswer.id)
        .where(answer_choices.c.choice_id == int(answer))
    )
