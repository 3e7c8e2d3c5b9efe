"""Forms of the documents pages: shape only; the documents service checks types, sizes and sessions."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from ..documents.labels import DOCUMENT_ACCESS_LABELS, DOCUMENT_KIND_LABELS, DOCUMENT_LANGUAGE_LABELS
from .forms import choices


class DocumentDetailsForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    kind = SelectField(_l("Kind"), choices=choices(DOCUMENT_KIND_LABELS.items()))
    session_id = SelectField(_l("Document of"), coerce=int)
    access = RadioField(_l("Who may open it"), choices=choices(DOCUMENT_ACCESS_LABELS.items()), default="public")


class DocumentForm(DocumentDetailsForm):
    language = SelectField(_l("Language of the file"), choices=choices(DOCUMENT_LANGUAGE_LABELS.items()))
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file."))])


class DocumentFileForm(FlaskForm):
    language = SelectField(_l("Language of the file"), choices=choices(DOCUMENT_LANGUAGE_LABELS.items()))
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file."))])
