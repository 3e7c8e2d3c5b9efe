"""Forms of the awards manage pages: shapes of the input only; services/awards_manage.py and
services/ceremony.py check the rules."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..form_fields import DateTimeLocalField, id_value
from ..i18n import CEREMONY_KIND_LABELS, ENTRY_STATUS_LABELS
from .forms import LOCAL_FORMAT, choices


class ProgrammeForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)],
                        description=_l("e.g. “2024 Knowledge Fair & Impact Awards @ IOM”."))
    introduction = TextAreaField(_l("Introduction"),
                                 description=_l("Blank lines separate paragraphs; lines starting with “- ” make a list."))
    is_sample = BooleanField(_l("Holds invented sample data (marked as such on the public pages)"))
    is_published = BooleanField(_l("Published: shown on the public event pages"))


class ReleaseForm(FlaskForm):
    release_at = DateTimeLocalField(_l("Release the results at (event's local time)"), format=LOCAL_FORMAT,
                                    validators=[Optional()],
                                    description=_l("From this moment winners show on every public page and in the calendar feed."))


class CategoryForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(_l("Web address name"), validators=[Length(max=100)],
                       description=_l("Lower-case letters, digits and hyphens; leave empty to make one from the name."))
    description = TextAreaField(_l("Description"))
    is_sample = BooleanField(_l("Sample data (invented)"))


class EntryForm(FlaskForm):
    title = StringField(_l("Initiative"), validators=[DataRequired(), Length(max=300)])
    organisation = StringField(_l("Office or partnership"), validators=[Length(max=300)])
    region = StringField(_l("Country or region"), validators=[Length(max=200)])
    summary = TextAreaField(_l("Summary"))
    link_url = StringField(_l("Link"), validators=[Length(max=500)],
                           description=_l("A web address starting with https:// or http://, or empty."))
    status = SelectField(_l("Status"), choices=choices(ENTRY_STATUS_LABELS.items()),
                         description=_l("Nominations are never public. Winners and certified or commended entries "
                                        "show as finalists until the results are released."))
    is_sample = BooleanField(_l("Sample data (invented)"))


class CeremonyItemForm(FlaskForm):
    kind = SelectField(_l("Kind of item"), choices=choices(CEREMONY_KIND_LABELS.items()))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)],
                        description=_l("Public at once, in the running order and the calendar feed: do not name winners here."))
    session = SelectField(_l("Agenda session"), coerce=id_value, choices=[], validate_choice=False,
                          description=_l("The published session the item takes place in; the item must lie inside its times."))
    starts_at = DateTimeLocalField(_l("Starts (event's local time)"), format=LOCAL_FORMAT, validators=[InputRequired()])
    ends_at = DateTimeLocalField(_l("Ends (event's local time)"), format=LOCAL_FORMAT, validators=[InputRequired()])
    category = SelectField(_l("Award category presented"), coerce=id_value, choices=[], validate_choice=False,
                           description=_l("Only for the presentation of a category."))
    is_sample = BooleanField(_l("Sample data (invented)"))
