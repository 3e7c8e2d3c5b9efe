"""Forms of the /manage pages: they check the shape of the input; the services check the rules."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional

from ..form_fields import DateTimeLocalField, IntegerField, id_value
from ..i18n import EVENT_KIND_LABELS, SESSION_TYPE_LABELS, SPEAKER_ROLE_LABELS
from ..models import Role

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def choices(pairs):
    """(value, label) pairs as WTForms options."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(_l("New password again"), validators=[EqualTo("password", _l("The two passwords differ."))])


ROLE_CHOICES = [(Role.ORGANISER, _l("Organiser: manages the events they are named on")),
                (Role.ADMIN, _l("Admin: manages every event and the accounts"))]


class NewUserForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    role = RadioField(_l("Role"), choices=choices(ROLE_CHOICES), default=Role.ORGANISER)
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(_l("Password again"), validators=[EqualTo("password", _l("The two passwords differ."))])


class UserForm(FlaskForm):
    role = RadioField(_l("Role"), choices=choices(ROLE_CHOICES))
    is_active = BooleanField(_l("Account active (may sign in)"))
    events = MultiCheckboxField(_l("Events this organiser manages"), coerce=id_value, validate_choice=False)
    password = PasswordField(_l("New password (leave empty to keep the current one)"), validators=[Optional(), Length(max=1024)])


class SectionRow(Form):
    heading = StringField(_l("Heading"), validators=[Length(max=300)])
    body = TextAreaField(_l("Text"))


class EventForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    slug = StringField(_l("Web address name"), validators=[DataRequired(), Length(max=100)],
                       description=_l("Lower-case letters, digits and hyphens, e.g. idm-2025-geneva."))
    kind = SelectField(_l("Kind of event"), choices=choices(EVENT_KIND_LABELS.items()))
    timezone = StringField(_l("Time zone"), validators=[DataRequired(), Length(max=64)], default="Europe/Zurich",
                           description=_l("IANA name, e.g. Europe/Zurich, Africa/Casablanca, America/New_York."))
    starts_at = DateTimeLocalField(_l("Starts (local time)"), format=LOCAL_FORMAT, validators=[InputRequired()])
    ends_at = DateTimeLocalField(_l("Ends (local time)"), format=LOCAL_FORMAT, validators=[InputRequired()])
    venue_name = StringField(_l("Venue"), validators=[Length(max=300)])
    venue_address = StringField(_l("Venue address"), validators=[Length(max=500)])
    city = StringField(_l("City"), validators=[Length(max=120)])
    country_code = StringField(_l("Country code"), validators=[Length(max=2)], description=_l("Two letters, e.g. CH."))
    summary = TextAreaField(_l("Summary"), description=_l("Blank lines separate paragraphs; lines starting with “- ” make a list."))
    sections = FieldList(FormField(SectionRow), min_entries=0)
    sdgs = MultiCheckboxField(_l("Sustainable Development Goals"), choices=[])
    gcms = MultiCheckboxField(_l("Global Compact for Migration objectives"), choices=[])


class RoomRow(Form):
    room_id = HiddenField()
    room_name = StringField(_l("Room name"), validators=[Length(max=200)])


class RoomsForm(FlaskForm):
    rooms = FieldList(FormField(RoomRow), min_entries=0)


class SpeakerRow(Form):
    person_id = SelectField(_l("Person"), coerce=id_value, choices=[], validate_choice=False)
    role = SelectField(_l("Role"), choices=choices(SPEAKER_ROLE_LABELS.items()))


class SessionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    session_type = SelectField(_l("Type"), choices=choices(SESSION_TYPE_LABELS.items()))
    starts_at = DateTimeLocalField(_l("Starts (event's local time)"), format=LOCAL_FORMAT, validators=[InputRequired()])
    ends_at = DateTimeLocalField(_l("Ends (event's local time)"), format=LOCAL_FORMAT, validators=[InputRequired()])
    room_id = SelectField(_l("Room"), coerce=id_value, choices=[], validate_choice=False)
    description = TextAreaField(_l("Description"))
    capacity = IntegerField(_l("Capacity"), validators=[Optional(), NumberRange(min=1)],
                            description=_l("Leave empty for no limit."))
    requires_registration = BooleanField(_l("Takes its own registration"))
    speakers = FieldList(FormField(SpeakerRow), min_entries=0)
    topics = MultiCheckboxField(_l("Topics"), coerce=int, choices=[], validate_choice=False)
    new_topics = StringField(_l("New topics"), validators=[Length(max=1000)],
                             description=_l("Names of topics to add, separated by “;”, e.g. “Remittances; Climate mobility”."))


class MoveForm(FlaskForm):
    starts_at = DateTimeLocalField(_l("New start (event's local time)"), format=LOCAL_FORMAT, validators=[InputRequired()])
    room_id = SelectField(_l("Room"), coerce=id_value, choices=[], validate_choice=False)


class PersonForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    affiliation = StringField(_l("Affiliation"), validators=[Length(max=300)])
    position_title = StringField(_l("Job title"), validators=[Length(max=300)])
    bio = TextAreaField(_l("Short bio"), validators=[Length(max=2000)])


class ImportForm(FlaskForm):
    file = FileField(_l("Agenda file (CSV or YAML)"), validators=[
        FileRequired(_l("Choose a file.")),
        FileAllowed(["csv", "yaml", "yml"], _l("The file must end in .csv, .yaml or .yml.")),
    ])


class PublishForm(FlaskForm):
    label = StringField(_l("Label"), validators=[DataRequired(), Length(max=200)],
                        description=_l("Shown on the agenda, e.g. “Draft agenda 25/09/2024” or “Final programme”."))
    is_final = RadioField(_l("This revision is"), choices=choices([("draft", _l("a draft agenda")), ("final", _l("the final programme"))]),
                          validators=[InputRequired(message=_l("Say whether this revision is a draft or the final programme."))])
    fingerprint = HiddenField()  #: the changes previewed, so that what is published is what was seen
    confirm_final = HiddenField()  #: "yes" once asked whether a final programme may replace the public draft
