"""Forms of delegation registration: the delegation, its focal point and its members (shape only)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, FieldList, Form, FormField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from .. import i18n
from ..models import ParticipationMode
from . import question_fields
from .forms import MultiCheckboxField, _name, _no_control_characters, _valid_email, strip

MAX_MEMBERS = 30
DEFAULT_ROWS = 5


def _optional_email(form, field):
    if field.data:
        _valid_email(form, field)


def _member_text(label, limit=100):
    return StringField(label, filters=[strip], validators=[
        Optional(), Length(max=limit, message=_l("Please keep this under %(max)d characters.")),
        _no_control_characters], render_kw={"maxlength": limit})


class MemberForm(Form):
    """One member of a delegation; a row left blank is ignored. `questions`: the event's own, one field each."""

    questions = ()

    first_name = _member_text(_l("First name"))
    last_name = _member_text(_l("Last name"))
    email = EmailField(_l("E-mail address"), filters=[strip], validators=[
        Optional(), Length(max=254, message=_l("Please keep this under %(max)d characters.")), _optional_email],
        render_kw={"maxlength": 254})
    job_title = _member_text(_l("Job title"), 200)
    mode = SelectField(_l("How will they take part?"), validate_choice=False)
    sessions = MultiCheckboxField(_l("Sessions that take their own registration"), coerce=int, validate_choice=False)

    @property
    def is_blank(self):
        typed = (self.first_name.data, self.last_name.data, self.email.data, self.job_title.data)
        return not any(typed) and not any(question_fields.raw_answers(self, self.questions).values())

    def data_for_service(self):
        data = {name: self[name].data for name in ("first_name", "last_name", "email", "job_title", "mode", "sessions")}
        return dict(data, answers=question_fields.raw_answers(self, self.questions))


def _member_class(questions):
    member_class = question_fields.with_questions(MemberForm, questions)
    member_class.questions = list(questions)
    return member_class


def set_member_choices(member, policy, sessions):
    member.mode.choices = list(i18n.PARTICIPATION_MODE_LABELS.items())
    member.sessions.choices = [(s.id, s.title) for s, _ in sessions]


def _check_answers(member, policy):
    """The answers to the questions asked of the member's way of taking part, checked as for one person."""
    mode = member.mode.data if policy.is_hybrid else ParticipationMode.IN_PERSON
    _answers, fine = question_fields.check_submitted(member, member.questions, mode=mode)
    return fine


def _check_member(member, policy):
    """A filled-in row needs both names; the way of taking part and sessions must be among those offered."""
    ok = _check_answers(member, policy)
    for f, message in ((member.first_name, _l("Please enter the member's first name.")),
                       (member.last_name, _l("Please enter the member's last name."))):
        if not f.data:
            f.errors = list(f.errors) + [message]
            ok = False
        elif not any(c.isalpha() for c in f.data):
            f.errors = list(f.errors) + [_l("Please write the name with letters.")]
            ok = False
    if policy.is_hybrid and member.mode.data not in i18n.PARTICIPATION_MODE_LABELS:
        member.mode.errors = list(member.mode.errors) + [_l("Please choose in person or online.")]
        ok = False
    allowed = {value for value, _ in member.sessions.choices}
    if any(value not in allowed for value in member.sessions.data or []):
        member.sessions.errors = list(member.sessions.errors) + [_l("Please choose among the sessions listed.")]
        ok = False
    return ok


class DelegationForm(FlaskForm):
    name = StringField(_l("Name of the delegation"), filters=[strip], validators=[
        DataRequired(message=_l("Please enter the name of the delegation.")),
        Length(max=200, message=_l("Please keep this under %(max)d characters.")), _no_control_characters],
        render_kw={"maxlength": 200})
    stakeholder_group = SelectField(_l("Stakeholder group"), validators=[
        InputRequired(message=_l("Please choose the delegation's stakeholder group."))])
    country = SelectField(_l("Country"), validators=[InputRequired(message=_l("Please choose the country."))])
    focal_first_name = _name(_l("Your first name"), _l("Please enter your first name."))
    focal_last_name = _name(_l("Your last name"), _l("Please enter your last name."))
    focal_email = EmailField(_l("Your e-mail address"), filters=[strip], validators=[
        DataRequired(message=_l("Please enter your e-mail address.")),
        Length(max=254, message=_l("Please keep this under %(max)d characters.")), _valid_email],
        render_kw={"maxlength": 254, "autocomplete": "email"})
    members = FieldList(FormField(MemberForm), min_entries=DEFAULT_ROWS, max_entries=MAX_MEMBERS)
    privacy_consent = BooleanField(
        _l("I have read the privacy notice and agree, for myself and the members listed, that our details are "
           "used as it describes"),
        validators=[DataRequired(message=_l("Please agree to the privacy notice to register."))],
    )

    def __init__(self, *args, policy, sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.policy = policy
        self.stakeholder_group.choices = [("", _l("Choose a group"))] + list(i18n.STAKEHOLDER_GROUP_LABELS.items())
        self.country.choices = [("", _l("Choose a country"))] + i18n.country_choices()
        for entry in self.members:
            set_member_choices(entry.form, policy, sessions)

    def validate_stakeholder_group(self, field):
        if field.data not in i18n.STAKEHOLDER_GROUP_LABELS:
            raise ValidationError(_l("Please choose the delegation's stakeholder group."))

    def validate_country(self, field):
        if not i18n.is_country(field.data):
            raise ValidationError(_l("Please choose the country."))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        filled = [entry.form for entry in self.members if not entry.form.is_blank]
        for member in filled:
            ok = _check_member(member, self.policy) and ok
        if not filled:
            self.form_errors.append(_l("Please list at least one member of the delegation."))
            ok = False
        return ok

    def member_data(self):
        """The filled-in rows, in the order listed."""
        return [entry.form.data_for_service() for entry in self.members if not entry.form.is_blank]

    def member_field(self, name):
        """The input a refusal from the services names (members-N-field, N counting filled rows), or None."""
        parts = (name or "").split("-")
        filled = [entry.form for entry in self.members if not entry.form.is_blank]
        if len(parts) == 3 and parts[0] == "members" and parts[1].isascii() and parts[1].isdigit() and int(parts[1]) < len(filled):
            return filled[int(parts[1])][parts[2]] if parts[2] in filled[int(parts[1])] else None
        return None


class OneMemberForm(FlaskForm):
    """Adding or replacing one member from the delegation page; `mode` fixed for a replacement."""

    member = FormField(MemberForm)

    def __init__(self, *args, policy, sessions=(), mode=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.policy, self.fixed_mode = policy, mode
        set_member_choices(self.member.form, policy, sessions)
        if mode is not None:
            self.member.form.mode.data = mode

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        return _check_member(self.member.form, self.policy) and ok


def delegation_form_class(questions):
    """DelegationForm whose member rows ask the event's questions (loaded once for the whole form)."""
    members = FieldList(FormField(_member_class(questions)), min_entries=DEFAULT_ROWS, max_entries=MAX_MEMBERS)
    return type("DelegationForm", (DelegationForm,), {"members": members})


def one_member_form_class(questions):
    """OneMemberForm whose member row asks the event's questions."""
    return type("OneMemberForm", (OneMemberForm,), {"member": FormField(_member_class(questions))})


class DelegationConfirmForm(FlaskForm):
    """A button with a CSRF token: removing a member."""
