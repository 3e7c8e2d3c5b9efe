"""The event's own registration questions: add, edit, reorder, retire and restore; YAML export and import."""
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..services.errors import DomainError, ImportFailed
from ..services.registration import question_files
from ..services.registration import questions as question_rules
from .access import event_access
from .forms_desk import ActionForm
from .forms_questions import (
    ASKED_OF_LABELS,
    KIND_LABELS,
    QuestionForm,
    QuestionsImportForm,
)
from .views import bp

MAX_IMPORT_BYTES = 512 * 1024
FIELDS = ("kind", "label", "label_fr", "label_es", "help_text", "help_fr", "help_es", "choices", "widget",
          "min_value", "max_value", "is_required", "asked_of")


def _question_or_404(event, question_id):
    question = question_rules.question_or_none(event, question_id)
    if question is None:
        abort(404)
    return question


def _plain(value):
    return "" if value is None else (str(int(value)) if value == int(value) else str(value))


def _list(event, import_form=None, errors=()):
    return render_template("organiser/questions.html", event=event,
                           questions=question_rules.event_questions(event), kinds=KIND_LABELS,
                           asked_of=ASKED_OF_LABELS, action_form=ActionForm(),
                           import_form=import_form or QuestionsImportForm(), errors=errors)


@bp.route("/events/<int:event_id>/registrations/questions")
@event_access
def questions(event):
    """The questions the registration form asks, in order, and the retired ones."""
    return _list(event)


def _save(event, question):
    if question is None or request.method == "POST":
        form = QuestionForm()
    else:
        data = {name: getattr(question, name) for name in FIELDS if name not in ("choices", "min_value", "max_value")}
        form = QuestionForm(data=dict(data, choices=question_rules.choices_text(question),
                                      min_value=_plain(question.min_value), max_value=_plain(question.max_value)))
    if form.validate_on_submit():
        values = {name: form[name].data for name in FIELDS}
        try:
            if question is None:
                question_rules.add_question(event, values, current_user)
            else:
                question_rules.edit_question(question, values, current_user)
        except DomainError as exc:
            db.session.rollback()
            if exc.field in form._fields:
                form[exc.field].errors = list(form[exc.field].errors) + [str(exc)]
            else:
                form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Question saved."), "success")
            return redirect(url_for(".questions", event_id=event.id))
    return render_template("organiser/question_form.html", event=event, form=form, question=question)


@bp.route("/events/<int:event_id>/registrations/questions/new", methods=["GET", "POST"])
@event_access
def new_question(event):
    """Add a question at the end of the registration form."""
    return _save(event, None)


@bp.route("/events/<int:event_id>/registrations/questions/<int:question_id>/edit", methods=["GET", "POST"])
@event_access
def edit_question(event, question_id):
    """Change a question; answers already given are kept."""
    return _save(event, _question_or_404(event, question_id))


@bp.route("/events/<int:event_id>/registrations/questions/<int:question_id>/<any(up, down, retire, restore):action>",
          methods=["POST"])
@event_access
def question_action(event, question_id, action):
    """Move a question up or down, retire it (answers kept) or ask it again."""
    question = _question_or_404(event, question_id)
    if ActionForm().validate_on_submit():
        if action in ("up", "down"):
            question_rules.move_question(question, -1 if action == "up" else 1, current_user)
        elif action == "retire":
            question_rules.retire_question(question, current_user)
            flash(_("Question retired: it is no longer asked, and its answers stay on the desk and in exports."),
                  "success")
        else:
            question_rules.restore_question(question, current_user)
            flash(_("The question is asked again, at the end of the form."), "success")
        db.session.commit()
    return redirect(url_for(".questions", event_id=event.id))


@bp.route("/events/<int:event_id>/registrations/questions/export.<any(yaml, csv):fmt>")
@event_access
def export_questions(event, fmt):
    """The questions as YAML or CSV, to import into another event."""
    if fmt == "csv":
        response = Response(question_files.to_csv(event), mimetype="text/csv; charset=utf-8")
    else:
        response = Response(question_files.to_yaml(event), mimetype="application/x-yaml; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{event.slug}-questions.{fmt}"'
    return response


@bp.route("/events/<int:event_id>/registrations/questions/import", methods=["POST"])
@event_access
def import_questions(event):
    """Add or update questions from a YAML or CSV file; nothing changes if one question has a problem."""
    form = QuestionsImportForm()
    if not form.validate_on_submit():
        return _list(event, import_form=form), 400
    data = form.file.data.read(MAX_IMPORT_BYTES + 1)
    try:
        if len(data) > MAX_IMPORT_BYTES:
            raise ImportFailed([(1, _("The file is larger than 512 KB."))])
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportFailed([(1, _("The file must be saved as UTF-8 text."))]) from None
        fmt = "csv" if (form.file.data.filename or "").lower().endswith(".csv") else "yaml"
        added, updated = question_files.import_questions(event, text, current_user, fmt)
    except ImportFailed as exc:
        db.session.rollback()
        return _list(event, import_form=form, errors=exc.errors), 400
    db.session.commit()
    flash(_("Questions imported: %(added)d added, %(updated)d updated.", added=added, updated=updated), "success")
    return redirect(url_for(".questions", event_id=event.id))
