"""Forms of a hybrid event's settings: the online link and the reminder before the event."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from ..services.registration import online
from ..services.registration.online import MAX_REMINDER_HOURS


class OnlineForm(FlaskForm):
    url = StringField(_l("Online participation link"), validators=[Optional(), Length(max=1000)],
                      description=_l("The livestream or meeting address, e.g. https://meet.example.org/idm-2024. "
                                     "Only confirmed online participants see it: on their own page and in their "
                                     "e-mails. Saving a new or changed link e-mails each of them once."))
    passcode = StringField(_l("Passcode"), validators=[Optional(), Length(max=100)])
    instructions = TextAreaField(_l("Instructions for online participants"),
                                 validators=[Optional(), Length(max=5000)],
                                 description=_l("Plain text, e.g. which name to use when joining, or "
                                                "how to ask for the floor."))
    reminder_hours_before = IntegerField(
        _l("Reminder e-mail, hours before the event starts"),
        validators=[Optional(), NumberRange(min=1, max=MAX_REMINDER_HOURS)],
        description=_l("48 is two days. Every confirmed participant gets one reminder: the venue and their "
                       "badge in person, the link online, and their calendar entry. Leave empty for no reminder."))


def online_form(event):
    """The form as saved: the event's link and the reminder lead time (48 hours for a new policy)."""
    link = online.event_link(event)
    policy = event.registration_policy
    data = {name: getattr(link, name) if link else "" for name in online.LINK_FIELDS}
    data["reminder_hours_before"] = policy.reminder_hours_before if policy else 48
    return OnlineForm(data=data, prefix="online")
