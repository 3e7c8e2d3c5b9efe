"""An event's own registration questions: organisers add, edit, reorder, retire and restore them.

Nothing here ever deletes a question or a choice that may have answers: removing a choice from
the list retires it, and a retired question or choice stays readable wherever answers are shown,
marked as retired. A changed choice label becomes a new choice (and the old one is retired), so an
answer is never silently rewritten. `answers.save_answers` stores participants' answers.
"""
from __future__ import annotations

import math
from datetime import datetime, timezone

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from ...extensions import db
from ...models import (
    AskedOf,
    QuestionChoice,
    QuestionKind,
    RegistrationAnswer,
    RegistrationQuestion,
)
from .. import audit
from ..errors import ValidationFailed

LABEL_LIMIT, CHOICE_LIMIT, HELP_LIMIT = 300, 200, 1000
WIDGETS = ("radio", "select")
TEXTS = ("label", "label_fr", "label_es", "help_text", "help_fr", "help_es")


def event_questions(event, *, include_retired=True):
    """The event's questions in the form's order, with their choices; retired ones last."""
    stmt = (sa.select(RegistrationQuestion).where(RegistrationQuestion.event_id == event.id)
            .options(so.selectinload(RegistrationQuestion.choices)))
    if not include_retired:
        stmt = stmt.where(RegistrationQuestion.retired_at.is_(None))
    questions = db.session.scalars(stmt.order_by(RegistrationQuestion.position, RegistrationQuestion.id)).all()
    return sorted(questions, key=lambda q: q.is_retired)


def question_or_none(event, question_id):
    question = db.session.get(RegistrationQuestion, question_id)
    return question if question is not None and question.event_id == event.id else None


def parse_choices(text):
    """Choices typed one per line, "English | Français | Español" (the translations optional)."""
    choices = []
    for line in (text or "").splitlines():
        parts = [part.strip() for part in line.split("|")]
        if parts and parts[0]:
            choices.append({"label": parts[0], "label_fr": parts[1] if len(parts) > 1 else "",
                            "label_es": parts[2] if len(parts) > 2 else ""})
    return choices


def choices_text(question):
    """The question's offered choices as the edit form's text, one per line."""
    lines = []
    for choice in question.active_choices:
        parts = [choice.label, choice.label_fr, choice.label_es]
        while not parts[-1]:
            parts.pop()
        lines.append(" | ".join(parts))
    return "\n".join(lines)


def _bound(value, name):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).replace(",", ".").strip())
    except ValueError:
        raise ValidationFailed(_l("Please enter a number, or leave this empty for no limit."), field=name) from None
    if not math.isfinite(number):
        raise ValidationFailed(_l("Please enter a number, or leave this empty for no limit."), field=name)
    return number


def clean_question(data):
    """The question's values checked and tidied; raises ValidationFailed naming the field."""
    values = {name: " ".join(str(data.get(name) or "").split()) if name.startswith("label")
              else str(data.get(name) or "").strip() for name in TEXTS}
    kind = data.get("kind")
    if kind not in QuestionKind.ALL:
        raise ValidationFailed(_l("Please choose the type of question."), field="kind")
    if not values["label"]:
        raise ValidationFailed(_l("Please write the question in English."), field="label")
    for name in TEXTS:
        limit = LABEL_LIMIT if name.startswith("label") else HELP_LIMIT
        if len(values[name]) > limit:
            raise ValidationFailed(_l("Please keep this under %(max)d characters.", max=limit), field=name)
    asked_of = data.get("asked_of") or AskedOf.BOTH
    if asked_of not in AskedOf.ALL:
        raise ValidationFailed(_l("Please choose who is asked this question."), field="asked_of")
    widget = data.get("widget") or "radio"
    if widget not in WIDGETS:
        raise ValidationFailed(_l("Please choose buttons or a list."), field="widget")
    low, high = _bound(data.get("min_value"), "min_value"), _bound(data.get("max_value"), "max_value")
    if kind != QuestionKind.NUMBER:
        low = high = None
    if low is not None and high is not None and low > high:
        raise ValidationFailed(_l("The lowest number must not be above the highest."), field="max_value")
    choices = data.get("choices") or []
    if isinstance(choices, str):
        choices = parse_choices(choices)
    choices = [{k: " ".join(str(c.get(k) or "").split()) for k in ("label", "label_fr", "label_es")} for c in choices]
    choices = [c for c in choices if c["label"]]
    if kind in QuestionKind.WITH_CHOICES:
        if len(choices) < 2:
            raise ValidationFailed(_l("Please give at least two choices, one per line."), field="choices")
        keys = [c["label"].casefold() for c in choices]
        if len(set(keys)) != len(keys):
            raise ValidationFailed(_l("Each choice may appear only once."), field="choices")
        if any(len(c[k]) > CHOICE_LIMIT for c in choices for k in c):
            raise ValidationFailed(_l("Please keep each choice under %(max)d characters.", max=CHOICE_LIMIT),
                                   field="choices")
    else:
        choices = []
    return dict(values, kind=kind, asked_of=asked_of, widget=widget, min_value=low, max_value=high,
                is_required=bool(data.get("is_required")), choices=choices)


def has_answers(question):
    return db.session.scalar(sa.select(sa.exists().where(RegistrationAnswer.question_id == question.id)))


def _sync_choices(question, wanted, now):
    """Offer exactly `wanted`, in order: known labels are kept (their answers too), others retired."""
    existing = {c.label.casefold(): c for c in question.choices}
    offered = set()
    for position, values in enumerate(wanted):
        choice = existing.get(values["label"].casefold())
        if choice is None:
            choice = QuestionChoice(label=values["label"])
            question.choices.append(choice)
        choice.label, choice.label_fr, choice.label_es = values["label"], values["label_fr"], values["label_es"]
        choice.position, choice.retired_at = position, None
        offered.add(id(choice))
    for choice in question.choices:
        if id(choice) not in offered and choice.retired_at is None:
            choice.retired_at = now
            choice.position = len(wanted) + choice.position
    question.choices.sort(key=lambda c: c.position)  # as the database will return them


def _apply(question, values, now):
    for name in (*TEXTS, "kind", "asked_of", "widget", "min_value", "max_value", "is_required"):
        setattr(question, name, values[name])
    _sync_choices(question, values["choices"], now)


def add_question(event, data, user, *, now=None):
    """Add a question at the end of the event's form."""
    now = now or datetime.now(timezone.utc)
    values = clean_question(data)
    last = db.session.scalar(sa.select(sa.func.max(RegistrationQuestion.position))
                             .where(RegistrationQuestion.event_id == event.id))
    question = RegistrationQuestion(event=event, position=(last or 0) + 1, kind=values["kind"], label=values["label"])
    db.session.add(question)
    _apply(question, values, now)
    db.session.flush()
    audit.record(user, "registration.question_added", event=event, target=question.label,
                 details={"question_id": question.id, "kind": question.kind})
    return question


def edit_question(question, data, user, *, now=None):
    """Change a question; its type stays once someone answered, and removed choices are retired."""
    now = now or datetime.now(timezone.utc)
    values = clean_question(data)
    if values["kind"] != question.kind and has_answers(question):
        raise ValidationFailed(_l("People have answered this question: its type can no longer change. "
                                  "Retire it and add a new question instead."), field="kind")
    before = {name: getattr(question, name) for name in (*TEXTS, "asked_of", "is_required", "kind")}
    before["choices"] = [c.label for c in question.active_choices]
    _apply(question, values, now)
    db.session.flush()
    after = {name: getattr(question, name) for name in (*TEXTS, "asked_of", "is_required", "kind")}
    after["choices"] = [c.label for c in question.active_choices]
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changed:
        audit.record(user, "registration.question_changed", event=question.event, target=question.label,
                     details={"question_id": question.id, "changed": changed})
    return bool(changed)


def move_question(question, offset, user):
    """Move a question up (-1) or down (+1) among the event's questions still asked."""
    questions = [q for q in event_questions(question.event, include_retired=False)]
    if question not in questions:
        return False
    index = questions.index(question)
    target = index + (1 if offset > 0 else -1)
    if not 0 <= target < len(questions):
        return False
    questions[index], questions[target] = questions[target], questions[index]
    for position, q in enumerate(questions, start=1):
        q.position = position
    db.session.flush()
    audit.record(user, "registration.question_moved", event=question.event, target=question.label,
                 details={"question_id": question.id, "position": target + 1})
    return True


def retire_question(question, user, *, now=None):
    """Stop asking a question; its answers stay readable, marked as retired."""
    if question.retired_at is None:
        question.retired_at = now or datetime.now(timezone.utc)
        db.session.flush()
        audit.record(user, "registration.question_retired", event=question.event, target=question.label,
                     details={"question_id": question.id})


def restore_question(question, user):
    """Ask a retired question again, at the end of the form."""
    if question.retired_at is not None:
        last = db.session.scalar(sa.select(sa.func.max(RegistrationQuestion.position))
                                 .where(RegistrationQuestion.event_id == question.event_id))
        question.retired_at, question.position = None, (last or 0) + 1
        db.session.flush()
        audit.record(user, "registration.question_restored", event=question.event, target=question.label,
                     details={"question_id": question.id})
