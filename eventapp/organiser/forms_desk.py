"""Forms of the registrations desk: decisions, the organiser's edit, and the registration settings."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from ..form_fields import DateTimeLocalField, IntegerField
from ..models import ApprovalMode
from ..registration.forms import DetailsForm
from .forms import LOCAL_FORMAT, choices


class DeclineForm(FlaskForm):
    confirmed = HiddenField()  #: "yes" once the organiser has seen the confirmation page
    reason = TextAreaField(_l("Reason (sent to the person)"),
                           validators=[DataRequired(message=_l("Please give the reason for declining.")), Length(max=2000)])


class CancelForm(FlaskForm):
    confirmed = HiddenField()  #: "yes" once the organiser has seen the confirmation page
    reason = TextAreaField(_l("Reason (kept in the history)"), validators=[Length(max=2000)])


class PromoteForm(FlaskForm):
    over_capacity = BooleanField(_l("Confirm even if no place is left (one more than the capacity)"))


class ActionForm(FlaskForm):
    """A button with a CSRF token."""


class DeskEditForm(DetailsForm):
    """An organiser corrects a person's details; the person's own choice to be listed publicly stays theirs."""

    def __init__(self, *args, email_required=True, **kwargs):
        super().__init__(*args, **kwargs)
        del self.listed_publicly
        if not email_required:  # added without an address (a walk-in, a delegation member): it may stay empty
            self.email.validators = [Optional(), *self.email.validators[1:]]
            self.email.flags.required = False


class BulkForm(FlaskForm):
    action = HiddenField()
    expected = HiddenField()  #: how many the organiser was shown; a different count asks again
    reason = TextAreaField(_l("Reason (sent to each person)"), validators=[Length(max=2000)])
    over_capacity = BooleanField(_l("Confirm them all even beyond the capacity"))


APPROVAL_CHOICES = [
    (ApprovalMode.OPEN, _l("Open: confirmed at once while places are left")),
    (ApprovalMode.MODERATED, _l("Moderated: the organisers approve each registration")),
]


class PolicyForm(FlaskForm):
    opens_at = DateTimeLocalField(_l("Registration opens (event's local time)"), format=LOCAL_FORMAT,
                                  validators=[Optional()], description=_l("Leave empty: open now."))
    closes_at = DateTimeLocalField(_l("Registration closes (event's local time)"), format=LOCAL_FORMAT,
                                   validators=[Optional()], description=_l("Leave empty: when the event starts."))
    changes_close_at = DateTimeLocalField(_l("Participants may change their registration until (event's local time)"),
                                          format=LOCAL_FORMAT, validators=[Optional()],
                                          description=_l("Leave empty: when the event starts."))
    approval_mode = RadioField(_l("Approval"), choices=choices(APPROVAL_CHOICES), default=ApprovalMode.OPEN)
    in_person_capacity = IntegerField(_l("Places in person"), validators=[Optional(), NumberRange(min=0)],
                                      description=_l("Leave empty for no limit. Raising it gives the new places to the waiting list at once."))
    is_hybrid = BooleanField(_l("Participants may also take part online"))
    accepts_delegations = BooleanField(_l("Focal points may register delegations (several members at once)"))
    online_capacity = IntegerField(_l("Places online"), validators=[Optional(), NumberRange(min=0)],
                                   description=_l("Leave empty for no limit."))
    contact_email = EmailField(_l("Contact address for changes after the deadline"),
                               validators=[Optional(), Email(), Length(max=254)])
    reference_prefix = StringField(_l("Reference prefix"), validators=[Optional(), Length(max=12)],
                                   description=_l("Starts every registration's reference, e.g. IDM24."))
