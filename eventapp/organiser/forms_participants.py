"""Forms of the participant pages: choosing registrants, writing a message, checking people in."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..extensions import db
from ..form_fields import IntegerField
from ..i18n import PARTICIPATION_MODE_LABELS, REGISTRATION_STATE_LABELS, STAKEHOLDER_GROUP_LABELS
from ..models import EventSession
from ..services.desk.recipients import ACTIVE, Filters
from .forms import choices


class FilterFields:
    """The fields that choose registrants; shared by the message form and the badge filter."""

    state = SelectField(_l("Registration state"), default=ACTIVE)
    stakeholder_group = SelectField(_l("Stakeholder group"), default="")
    session_id = SelectField(_l("Session"), default="")
    mode = SelectField(_l("Taking part"), default="")
    search = StringField(_l("Name, e-mail, organisation or reference contains"), validators=[Length(max=100)])

    def set_choices(self, event):
        self.state.choices = choices(
            [(ACTIVE, _l("All active (confirmed, waiting, awaiting approval)")), ("", _l("All, including cancelled"))]
            + list(REGISTRATION_STATE_LABELS.items())
        )
        self.stakeholder_group.choices = choices([("", _l("Any group"))] + list(STAKEHOLDER_GROUP_LABELS.items()))
        sessions = db.session.scalars(
            sa.select(EventSession)
            .where(EventSession.event_id == event.id, EventSession.requires_registration.is_(True))
            .order_by(EventSession.starts_at)
        ).all()
        self.session_id.choices = choices([("", _l("Any session"))] + [(str(s.id), s.title) for s in sessions])
        self.mode.choices = choices([("", _l("In person or online"))] + list(PARTICIPATION_MODE_LABELS.items()))
        return self

    def filters(self):
        return Filters.from_dict({name: getattr(self, name).data for name in
                                  ("state", "stakeholder_group", "session_id", "mode", "search")})


class FilterForm(FilterFields, FlaskForm):
    """The GET filter of the badge sheet: no CSRF token in a link."""

    class Meta:
        csrf = False


class MessageForm(FilterFields, FlaskForm):
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=20000)],
                         description=_l("Each person's copy starts with “Dear” and their first name and ends with "
                                        "their own registration link. Blank lines separate paragraphs."))
    expected_count = IntegerField(validators=[Optional()], widget=HiddenField.widget)


class CheckinForm(FlaskForm):
    q = StringField(_l("Badge code, reference or name"), validators=[DataRequired(), Length(max=200)])
