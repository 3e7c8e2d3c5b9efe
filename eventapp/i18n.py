"""Language choice and labels for the values stored as codes."""
from flask import current_app, has_request_context, request, session
from flask_babel import lazy_gettext as _l

from .models import EventKind, SessionType, SpeakerRole


def select_locale():
    """The language asked for with ?lang=, then the one kept in the session, then the browser's."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # command line: messages in the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
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

LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español"}
