"""An event's registration questions as YAML or CSV, and back: copy last year's form into this year's event.

Exports hold the questions still asked, in order. Importing checks every question first and
changes nothing if one is wrong; a question whose English label the event already asks is
updated (its answers kept, removed choices retired), any other is added at the end.
"""
from __future__ import annotations

import csv
import io

import yaml
from flask_babel import gettext as _

from ...extensions import db
from .. import audit
from ..desk.spreadsheet import neutralise
from ..errors import ImportFailed, ValidationFailed
from . import questions as question_rules

CSV_COLUMNS = ("kind", "label", "label_fr", "label_es", "help", "help_fr", "help_es", "required", "asked_of",
               "widget", "min", "max", "choices")

HEADER = """# Registration questions for eventapp. Each item is one question, in the form's order.
# kind: short_text, paragraph, single_choice, multiple_choice, yes_no, number, date, country, accept
# asked_of: both, in_person or online. widget (single choice): radio or select.
# min / max: bounds of a number question (empty for none). label_fr, label_es, help_*: optional.
"""


def _item(question):
    item = {"kind": question.kind, "label": question.label, "label_fr": question.label_fr,
            "label_es": question.label_es, "help": question.help_text, "help_fr": question.help_fr,
            "help_es": question.help_es, "required": question.is_required, "asked_of": question.asked_of}
    if question.kind == "single_choice":
        item["widget"] = question.widget
    if question.kind == "number":
        item["min"], item["max"] = question.min_value, question.max_value
    if question.active_choices:
        item["choices"] = [{"label": c.label, "label_fr": c.label_fr, "label_es": c.label_es}
                           for c in question.active_choices]
    return item


def to_yaml(event):
    """The event's questions still asked, as a YAML document."""
    items = [_item(q) for q in question_rules.event_questions(event, include_retired=False)]
    return HEADER + yaml.safe_dump({"questions": items}, allow_unicode=True, sort_keys=False, width=1000)


def to_csv(event):
    """The same as to_yaml, one question per row; choices one per line in their cell, "English | Français | Español"."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for question in question_rules.event_questions(event, include_retired=False):
        item = _item(question)
        cells = dict(item, required="yes" if item["required"] else "no", choices=question_rules.choices_text(question))
        writer.writerow([neutralise("" if cells.get(c) is None else cells.get(c)) for c in CSV_COLUMNS])
    return "\ufeff" + out.getvalue()


def _csv_items(text):
    """CSV rows as the items of a YAML document (a leading ' added by the formula guard is removed)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames or "label" not in reader.fieldnames or "kind" not in reader.fieldnames:
        raise ImportFailed([(1, _("the first row must name the columns, kind and label among them"))])
    items = []
    for row in reader:
        item = {k: (v or "").strip() for k, v in row.items() if k}
        item = {k: (v[1:] if v.startswith("'") and v[1:2] in "=+-@" else v) for k, v in item.items()}
        required = item.get("required", "").lower()
        item["required"] = required in ("yes", "true", "1", "y")
        if required not in ("", "yes", "no", "true", "false", "1", "0", "y", "n"):
            item["required"] = required  # refused below, with the row's number
        item["choices"] = question_rules.parse_choices(item.get("choices", ""))
        items.append(item)
    return items


def _words(value):
    """A bare yes / no in YAML is read as a boolean: as a choice's label it meant the word."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return "" if value is None else str(value)


def _values(item):
    if not isinstance(item, dict):
        raise ValidationFailed(_("each question must be a set of keys such as kind and label"))
    choices = item.get("choices") or []
    if not isinstance(choices, list):
        raise ValidationFailed(_("choices must be a list"))
    choices = [{k: _words(v) for k, v in c.items()} if isinstance(c, dict) else {"label": _words(c)} for c in choices]
    required = item.get("required", False)
    if not isinstance(required, bool):
        raise ValidationFailed(_("required must be true or false"))
    return question_rules.clean_question({
        "kind": item.get("kind"), "label": item.get("label"), "label_fr": item.get("label_fr"),
        "label_es": item.get("label_es"), "help_text": item.get("help"), "help_fr": item.get("help_fr"),
        "help_es": item.get("help_es"), "is_required": required, "asked_of": item.get("asked_of"),
        "widget": item.get("widget"), "min_value": item.get("min"), "max_value": item.get("max"),
        "choices": choices,
    })


def parse(text, fmt="yaml"):
    """The questions of a YAML or CSV document, checked; raises ImportFailed listing each problem by number."""
    if fmt == "csv":
        data = {"questions": _csv_items(text)}
    else:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            line = getattr(getattr(exc, "problem_mark", None), "line", -1) + 1
            raise ImportFailed([(line or 1, _("this is not valid YAML"))]) from None
    items = data.get("questions") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ImportFailed([(1, _("the file must hold a list named questions"))])
    values, errors = [], []
    for number, item in enumerate(items, start=1):
        try:
            values.append(_values(item))
        except ValidationFailed as exc:
            errors.append((number, str(exc)))
    if errors:
        raise ImportFailed(errors)
    return values


def import_questions(event, text, user, fmt="yaml"):
    """Add or update the event's questions from a YAML or CSV document; (added, updated) counts."""
    values = parse(text, fmt)
    current = {q.label.casefold(): q for q in question_rules.event_questions(event, include_retired=False)}
    added = updated = 0
    for item in values:
        question = current.get(item["label"].casefold())
        try:
            if question is None:
                question_rules.add_question(event, item, user)
                added += 1
            elif question_rules.edit_question(question, item, user):
                updated += 1
        except ValidationFailed as exc:
            raise ImportFailed([(values.index(item) + 1, str(exc))]) from None
    db.session.flush()
    audit.record(user, "registration.questions_imported", event=event, target=event.title,
                 details={"added": added, "updated": updated})
    return added, updated
