"""Form fields for an event's own questions, added to a registration form at request time.

The fields only carry what was typed: `services/registration/answers.py` checks the answers and
its messages are put back on the fields, so the error summary and the field errors look exactly
like those of the standard fields.
"""
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from .. import i18n
from ..models import AskedOf, ParticipationMode, QuestionKind
from ..services.registration import answer_display
from ..services.registration import answers as answer_rules
from .forms import MultiCheckboxField, strip


class Required:
    """Marks a field as required (label without "(optional)"); the service does the checking."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        return None


ASKED_OF_HINTS = {
    AskedOf.IN_PERSON: _l("Only for participants in person."),
    AskedOf.ONLINE: _l("Only for participants online."),
}


def options(pairs):
    return [SelectChoice(value=value, label=label) for value, label in pairs]


def _choices(question, language, held):
    offered = [(str(c.id), c.text(language)) for c in question.active_choices]
    kept = [(str(c.id), answer_display.choice_label(c, language)) for c in held.get(question.id, [])]
    return options(offered + kept)


def _field(question, language, held, optional=False):
    label = question.text(language)
    validators = [Required()] if question.is_required and not optional else []
    kind = question.kind
    if kind == QuestionKind.SHORT_TEXT:
        return StringField(label, filters=[strip], validators=validators, render_kw={"maxlength": 300})
    if kind == QuestionKind.PARAGRAPH:
        return TextAreaField(label, filters=[strip], validators=validators, render_kw={"maxlength": 2000})
    if kind == QuestionKind.SINGLE_CHOICE and question.widget == "select":
        return SelectField(label, choices=options([("", _l("Choose an answer"))]) + _choices(question, language, held),
                           validators=validators, validate_choice=False)
    if kind == QuestionKind.SINGLE_CHOICE:
        return RadioField(label, choices=_choices(question, language, held), validators=validators,
                          validate_choice=False)
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return MultiCheckboxField(label, choices=_choices(question, language, held), validators=validators,
                                  validate_choice=False)
    if kind == QuestionKind.YES_NO:
        return RadioField(label, choices=options([("yes", _l("Yes")), ("no", _l("No"))]), validators=validators,
                          validate_choice=False)
    if kind == QuestionKind.NUMBER:
        bounds = {"min": question.min_value, "max": question.max_value}
        render = {"type": "number", "step": "any", "inputmode": "decimal",
                  **{k: answer_rules.plain_number(v) for k, v in bounds.items() if v is not None}}
        return StringField(label, filters=[strip], validators=validators, render_kw=render)
    if kind == QuestionKind.DATE:
        return StringField(label, filters=[strip], validators=validators,
                           render_kw={"type": "date", "placeholder": "YYYY-MM-DD"})
    if kind == QuestionKind.COUNTRY:
        return SelectField(label, choices=options([("", _l("Choose a country"))] + i18n.country_choices()),
                           validators=validators, validate_choice=False)
    return BooleanField(label, validators=validators)


def with_questions(form_class, questions, *, held=None, optional=False):
    """A subclass of `form_class` with one field per question, named q<id>, in the questions' order.

    `optional`: required questions are labelled optional too (organisers adding someone by hand).
    """
    language = str(get_locale() or "en")
    attrs = {answer_rules.field_name(q): _field(q, language, held or {}, optional) for q in questions}
    return type(form_class.__name__, (form_class,), attrs)


def hints(questions, *, hybrid, by_organiser=False):
    """{field name: hint} for each question: its help text, and whom it is asked of on a hybrid event.

    `by_organiser`: a required question says it is required of participants only.
    """
    language = str(get_locale() or "en")
    found = {}
    for q in questions:
        parts = [q.help(language), bounds_hint(q)]
        if hybrid and q.asked_of in ASKED_OF_HINTS:
            parts.append(str(ASKED_OF_HINTS[q.asked_of]))
        if by_organiser and q.is_required:
            parts.append(_("Required on the public form; you may leave it empty here."))
        found[answer_rules.field_name(q)] = " ".join(p for p in parts if p) or None
    return found


def bounds_hint(question):
    """The bounds of a number question, said as the error would say them."""
    low, high = question.min_value, question.max_value
    if question.kind != QuestionKind.NUMBER or (low is None and high is None):
        return ""
    plain = answer_rules.plain_number
    if low is not None and high is not None:
        return _("Please enter a number from %(low)s to %(high)s.", low=plain(low), high=plain(high))
    if low is not None:
        return _("Please enter a number of at least %(low)s.", low=plain(low))
    return _("Please enter a number of at most %(high)s.", high=plain(high))


def raw_answers(form, questions):
    """{question id: what was typed or chosen} from a submitted form."""
    return {q.id: form[answer_rules.field_name(q)].data for q in questions}


def check_submitted(form, questions, *, mode=None, enforce_required=True):
    """(answers, fine) of a submitted form, to the questions asked of the way of taking part it chose.

    On a hybrid event the answers asked depend on the way chosen (or the `mode` given); the service's
    messages go on the fields. A form without a choice of way is about taking part in person.
    """
    if mode is None:
        mode = form.mode.data if getattr(form, "mode", None) else ParticipationMode.IN_PERSON
    asked = answer_rules.for_mode(questions, mode)
    answers = raw_answers(form, asked)
    errors = answer_rules.check_answers(asked, answers, enforce_required=enforce_required)
    return answers, not show_errors(form, errors)


def show_errors(form, errors):
    """Put the service's message on each question's field; True if there was any."""
    for question_id, message in errors.items():
        field = form[f"q{question_id}"]
        field.errors = list(field.errors or []) + [message]
    return bool(errors)


class AnswersForm(FlaskForm):
    """A participant's answers to the event's own questions, on their own page."""
