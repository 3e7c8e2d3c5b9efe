"""Words for the codes the organiser pages store: audit actions and change kinds."""
from flask_babel import lazy_gettext as _l

AUDIT_ACTION_LABELS = {
    "user.create": _l("Account created"),
    "user.update": _l("Account changed"),
    "user.password": _l("Password changed"),
    "event.create": _l("Event created"),
    "event.update": _l("Event details changed"),
    "event.publish": _l("Event made public"),
    "event.unpublish": _l("Event hidden from the public"),
    "rooms.update": _l("Rooms changed"),
    "person.create": _l("Person added"),
    "person.update": _l("Person changed"),
    "session.create": _l("Session added"),
    "session.update": _l("Session changed"),
    "session.move": _l("Session moved"),
    "session.duplicate": _l("Session duplicated"),
    "session.delete": _l("Session deleted"),
    "session.cancel": _l("Session cancelled"),
    "session.restore": _l("Session restored"),
    "agenda.import": _l("Agenda imported"),
    "agenda.discard": _l("Unpublished changes discarded"),
    "agenda.publish": _l("Agenda revision published"),
    "message.send": _l("Message sent to registrants"),
    "registration.checkin": _l("Participant checked in"),
    "registrations.purge": _l("Personal data of registrations removed"),
}
