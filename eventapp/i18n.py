"""Language choice and labels for the values stored as codes."""
from flask import current_app, has_request_context, request, session
from flask_babel import lazy_gettext as _l

from .models import CeremonyItemKind, EntryStatus, EventKind, SessionType, SpeakerRole


def select_locale():
    """The language asked for with ?lang=, then the one kept in the session, then the browser's."""
    if not has_request_context():
        return None  # the default language, e.g. for messages built in a CLI command
    languages = current_app.config["LANGUAGES"]
    asked = request.args.get("lang")
    if asked in languages:
        session["lang"] = asked
        return asked
    if session.get("lang") in languages:
        return session["lang"]
    return request.accept_languages.best_match(languages) or languages[0]


SESSION_TYPE_LABELS = {
    SessionType.OPENING: _l("Opening"),
    SessionType.KEYNOTE: _l("Keynote"),
    SessionType.PANEL: _l("Panel"),
    SessionType.BREAK: _l("Break"),
    SessionType.CEREMONY: _l("Ceremony"),
    SessionType.RECEPTION: _l("Reception"),
    SessionType.CLOSING: _l("Closing"),
    SessionType.SIDE_EVENT: _l("Side event"),
    SessionType.WORKSHOP: _l("Workshop"),
}

EVENT_KIND_LABELS = {
    EventKind.IDM: _l("International Dialogue on Migration"),
    EventKind.AWARDS: _l("Awards"),
    EventKind.SIDE_EVENT: _l("Side event"),
    EventKind.MEETING: _l("Meeting"),
    EventKind.CONFERENCE: _l("Conference"),
}

SPEAKER_ROLE_LABELS = {
    SpeakerRole.MODERATOR: _l("Moderator"),
    SpeakerRole.PANELIST: _l("Panellist"),
    SpeakerRole.KEYNOTE: _l("Keynote speaker"),
    SpeakerRole.SPEAKER: _l("Speaker"),
    SpeakerRole.HOST: _l("Host"),
}

ENTRY_STATUS_LABELS = {
    EntryStatus.NOMINATED: _l("Nominated"),
    EntryStatus.FINALIST: _l("Finalist"),
    EntryStatus.WINNER: _l("Winner"),
    EntryStatus.COMMENDED: _l("Certified / commended"),
}

CEREMONY_KIND_LABELS = {
    CeremonyItemKind.WELCOME: _l("Welcome"),
    CeremonyItemKind.CATEGORY: _l("Category presentation"),
    CeremonyItemKind.KEYNOTE: _l("Keynote"),
    CeremonyItemKind.WINNERS: _l("Announcement of the winners"),
    CeremonyItemKind.RECEPTION: _l("Reception"),
    CeremonyItemKind.OTHER: _l("Other"),
}

LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español"}
