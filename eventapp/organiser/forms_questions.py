"""Forms of the registration questions page: one question, and the YAML import."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from ..models import AskedOf, QuestionKind
from .forms import choices as options

KIND_LABELS = {
    QuestionKind.SHORT_TEXT: _l("Short text"),
    QuestionKind.PARAGRAPH: _l("Paragraph"),
    QuestionKind.SINGLE_CHOICE: _l("Single choice"),
    QuestionKind.MULTIPLE_CHOICE: _l("Multiple choice"),
    QuestionKind.YES_NO: _l("Yes or no"),
    QuestionKind.NUMBER: _l("Number"),
    QuestionKind.DATE: _l("Date"),
    QuestionKind.COUNTRY: _l("Country"),
    QuestionKind.ACCEPT: _l("Accept a statement (checkbox)"),
}
ASKED_OF_LABELS = {
    AskedOf.BOTH: _l("Everyone"),
    AskedOf.IN_PERSON: _l("Participants in person only"),
    AskedOf.ONLINE: _l("Participants online only"),
}
WIDGET_LABELS = {"radio": _l("Buttons"), "select": _l("A drop-down list")}


def _text(label, limit, area=False, description=None):
    field_class = TextAreaField if area else StringField
    return field_class(label, validators=[Length(max=limit, message=_l("Please keep this under %(max)d characters."))],
                       description=description)


class QuestionForm(FlaskForm):
    kind = SelectField(_l("Type of question"), choices=options(KIND_LABELS.items()))
    label = _text(_l("Question (English)"), 300)
    label_fr = _text(_l("Question in French (optional)"), 300)
    label_es = _text(_l("Question in Spanish (optional)"), 300)
    help_text = _text(_l("Help text (English, optional)"), 1000, area=True)
    help_fr = _text(_l("Help text in French (optional)"), 1000, area=True)
    help_es = _text(_l("Help text in Spanish (optional)"), 1000, area=True)
    choices = TextAreaField(_l("Choices"), description=_l(
        "For single and multiple choice questions: one choice per line, with optional translations "
        "after a bar: English | Français | Español. Removing a line retires that choice; its answers are kept."))
    widget = RadioField(_l("Single choice shown as"), choices=options(WIDGET_LABELS.items()), default="radio")
    min_value = StringField(_l("Lowest number accepted (optional)"), validators=[Length(max=30)])
    max_value = StringField(_l("Highest number accepted (optional)"), validators=[Length(max=30)])
    is_required = BooleanField(_l("An answer is required"))
    asked_of = RadioField(_l("Asked of"), choices=options(ASKED_OF_LABELS.items()), default=AskedOf.BOTH)


class QuestionsImportForm(FlaskForm):
    file = FileField(_l("Questions file (YAML or CSV)"), validators=[
        FileRequired(_l("Choose a file.")),
        FileAllowed(["yaml", "yml", "csv"], _l("The file must end in .csv, .yaml or .yml.")),
    ])
