"""Forms for registrations added by the organisers: at the desk, and a short one on the check-in screen."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, SelectField
from wtforms.validators import Length, Optional

from ..i18n import REGISTRATION_STATE_LABELS
from ..models import ApprovalMode, RegistrationState
from ..registration.forms import DetailsForm, _valid_email, strip
from ..services.registration.walk_ins import AUTO
from .forms import MultiCheckboxField, choices


def _optional_email(form, field):
    if field.data:
        _valid_email(form, field)


LANGUAGE_CHOICES = [("en", "English"), ("fr", "Français"), ("es", "Español")]


class WalkInForm(DetailsForm):
    """Everything the public form asks, but the e-mail address is optional and the organiser chooses the state."""

    email = EmailField(_l("E-mail address"), filters=[strip], validators=[
        Optional(), Length(max=254, message=_l("Please keep this under %(max)d characters.")), _optional_email],
        render_kw={"maxlength": 254})
    sessions = MultiCheckboxField(_l("Sessions that take their own registration"), coerce=int)
    state = SelectField(_l("State"), default=AUTO)
    over_capacity = BooleanField(_l("Confirm over capacity (one more than the places), and record it"))
    send_confirmation = BooleanField(_l("E-mail the confirmation to the person"))
    locale = SelectField(_l("Language of the e-mails"), choices=choices(LANGUAGE_CHOICES), default="en")

    def __init__(self, *args, policy, sessions=(), **kwargs):
        super().__init__(*args, policy=policy, **kwargs)
        del self.listed_publicly
        self.sessions.choices = choices([(s.id, s.title) for s in sessions])
        states = [(AUTO, _l("As the registration rules place them")),
                  (RegistrationState.CONFIRMED, REGISTRATION_STATE_LABELS[RegistrationState.CONFIRMED]),
                  (RegistrationState.WAITLISTED, REGISTRATION_STATE_LABELS[RegistrationState.WAITLISTED])]
        if policy.approval_mode == ApprovalMode.MODERATED:
            states.append((RegistrationState.PENDING, REGISTRATION_STATE_LABELS[RegistrationState.PENDING]))
        self.state.choices = choices(states)


class CheckinWalkInForm(DetailsForm):
    """A walk-in at the door: a few fields, confirmed, and checked in at once unless told otherwise."""

    email = EmailField(_l("E-mail address"), filters=[strip], validators=[
        Optional(), Length(max=254, message=_l("Please keep this under %(max)d characters.")), _optional_email],
        render_kw={"maxlength": 254})
    over_capacity = BooleanField(_l("Confirm over capacity (one more than the places), and record it"))
    check_in_now = BooleanField(_l("Check in now"), default=True)

    def __init__(self, *args, policy, **kwargs):
        super().__init__(*args, policy=policy, **kwargs)
        for name in ("job_title", "accessibility_needs", "dietary_requirements", "listed_publicly"):
            delattr(self, name)
