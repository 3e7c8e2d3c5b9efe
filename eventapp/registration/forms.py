"""Registration forms: they check the shape of what was typed; places and deadlines are services' work."""
import unicodedata

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from .. import i18n
from ..form_fields import id_value


def strip(value):
    return value.strip() if isinstance(value, str) else value


def _no_control_characters(form, field):
    if field.data and any(unicodedata.category(c) == "Cc" and c not in "\r\n\t" for c in field.data):
        raise ValidationError(_l("Please remove the invisible control characters from this field."))


def _has_a_letter(form, field):
    if field.data and not any(c.isalpha() for c in field.data):
        raise ValidationError(_l("Please write your name with letters."))


def _valid_email(form, field):
    try:
        result = validate_email(field.data or "", check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        raise ValidationError(_l("Please enter an e-mail address like name@example.org.")) from None
    field.data = result.ascii_email or result.normalized


def _name(label, message):
    return StringField(
        label,
        filters=[strip],
        validators=[
            DataRequired(message=message),
            Length(max=100, message=_l("Please keep this under %(max)d characters.")),
            _no_control_characters,
            _has_a_letter,
        ],
        render_kw={"maxlength": 100},
    )


def _text(label, limit, area=False):
    field_class = TextAreaField if area else StringField
    return field_class(
        label,
        filters=[strip],
        validators=[
            Optional(),
            Length(max=limit, message=_l("Please keep this under %(max)d characters.")),
            _no_control_characters,
        ],
        render_kw={"maxlength": limit},
    )


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DetailsForm(FlaskForm):
    """What a participant tells about themselves; shared by registering and editing."""

    first_name = _name(_l("First name"), _l("Please enter your first name."))
    last_name = _name(_l("Last name"), _l("Please enter your last name."))
    email = EmailField(
        _l("E-mail address"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Please enter your e-mail address.")),
            Length(max=254, message=_l("Please keep this under %(max)d characters.")),
            _valid_email,
        ],
        render_kw={"maxlength": 254, "autocomplete": "email"},
    )
    organisation = _text(_l("Organisation"), 200)
    job_title = _text(_l("Job title"), 200)
    # validate_choice=False: the validate_* methods below check the value against the same lists
    # by lookup, rather than WTForms walking ~250 choices on every submission.
    stakeholder_group = SelectField(
        _l("Stakeholder group"),
        validators=[InputRequired(message=_l("Please choose the group that describes you best."))],
        validate_choice=False,
    )
    country = SelectField(
        _l("Country"),
        validators=[InputRequired(message=_l("Please choose your country."))],
        validate_choice=False,
    )
    mode = RadioField(
        _l("How will you take part?"),
        validators=[InputRequired(message=_l("Please choose in person or online."))],
    )
    accessibility_needs = _text(_l("Accessibility needs"), 1000, area=True)
    dietary_requirements = _text(_l("Dietary requirements"), 500, area=True)
    listed_publicly = BooleanField(
        _l("My organisation may appear in the public list of participating organisations")
    )

    def __init__(self, *args, policy, **kwargs):
        super().__init__(*args, **kwargs)
        self.stakeholder_group.choices = [("", _l("Choose a group"))] + list(i18n.STAKEHOLDER_GROUP_LABELS.items())
        self.country.choices = [("", _l("Choose a country"))] + i18n.country_choices()
        if policy.is_hybrid:
            self.mode.choices = list(i18n.PARTICIPATION_MODE_LABELS.items())
        else:
            del self.mode

    def validate_stakeholder_group(self, field):
        if field.data not in i18n.STAKEHOLDER_GROUP_LABELS:
            raise ValidationError(_l("Please choose the group that describes you best."))

    def validate_country(self, field):
        if not i18n.is_country(field.data):
            raise ValidationError(_l("Please choose your country."))


class RegistrationForm(DetailsForm):
    sessions = MultiCheckboxField(_l("Sessions that take their own registration"), coerce=id_value, validate_choice=False)
    privacy_consent = BooleanField(
        _l("I have read the privacy notice and agree that my details are used as it describes"),
        validators=[DataRequired(message=_l("Please agree to the privacy notice to register."))],
    )
    #: Honeypot: hidden from people, filled by bots.
    fax_number = StringField(_l("Leave this field empty"), render_kw={"autocomplete": "off", "tabindex": "-1"})

    def __init__(self, *args, sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.sessions.choices = [(s.id, s.title) for s, _ in sessions]

    def validate_sessions(self, field):
        allowed = {value for value, _ in field.choices}
        if any(value not in allowed for value in field.data or []):
            raise ValidationError(_l("Please choose among the sessions listed."))

    @property
    def is_bot(self):
        return bool(self.fax_number.data)


class EditForm(DetailsForm):
    """Editing one's details; the e-mail address changes only after confirmation."""


class SessionsForm(FlaskForm):
    sessions = MultiCheckboxField(_l("Sessions that take their own registration"), coerce=id_value, validate_choice=False)

    def __init__(self, *args, sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.sessions.choices = [(s.id, s.title) for s, _ in sessions]

    def validate_sessions(self, field):
        allowed = {value for value, _ in field.choices}
        if any(value not in allowed for value in field.data or []):
            raise ValidationError(_l("Please choose among the sessions listed."))


class LostLinkForm(FlaskForm):
    email = EmailField(
        _l("E-mail address you registered with"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Please enter your e-mail address.")),
            Length(max=254, message=_l("Please keep this under %(max)d characters.")),
            _valid_email,
        ],
        render_kw={"maxlength": 254, "autocomplete": "email"},
    )


class ConfirmForm(FlaskForm):
    """A button with a CSRF token: cancelling, confirming an address."""

