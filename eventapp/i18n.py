"""Language choice and labels for the values stored as codes."""
import functools
import gettext
import unicodedata

import pycountry
from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from .models import (
    BookingState,
    CeremonyItemKind,
    EntryStatus,
    EventKind,
    ParticipationMode,
    RegistrationState,
    SessionType,
    SpeakerRole,
)


def select_locale():
    """The language asked for with ?lang=, then the one kept in the session, then the browser's."""
    if not has_request_context():
        return None  # the default language, e.g. for messages built in a CLI command
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # the mail worker, the command line
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

#: Stakeholder groups a participant can choose, in the order the form shows them.
STAKEHOLDER_GROUP_LABELS = {
    "member_state": _l("Member State delegation"),
    "un_system": _l("UN system organization"),
    "civil_society": _l("Civil society"),
    "private_sector": _l("Private sector"),
    "foundation": _l("Foundation"),
    "development_bank": _l("Multilateral development bank"),
    "diaspora": _l("Diaspora organization"),
    "migrant_community": _l("Migrant or community representative"),
    "academia": _l("Academia"),
    "media": _l("Media"),
    "other": _l("Other"),
}

PARTICIPATION_MODE_LABELS = {
    ParticipationMode.IN_PERSON: _l("In person"),
    ParticipationMode.ONLINE: _l("Online"),
}

REGISTRATION_STATE_LABELS = {
    RegistrationState.PENDING: _l("Awaiting approval"),
    RegistrationState.CONFIRMED: _l("Confirmed"),
    RegistrationState.WAITLISTED: _l("On the waiting list"),
    RegistrationState.DECLINED: _l("Declined"),
    RegistrationState.CANCELLED: _l("Cancelled"),
}

BOOKING_STATE_LABELS = {
    BookingState.PENDING: _l("Requested"),
    BookingState.CONFIRMED: _l("Place confirmed"),
    BookingState.WAITLISTED: _l("On the waiting list"),
    BookingState.CANCELLED: _l("Cancelled"),
}


def _sort_key(name):
    """Alphabetical order that puts Åland with A and Côte d'Ivoire with C."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@functools.lru_cache(maxsize=8)
def _countries(language):
    try:
        translate = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language]).gettext
    except OSError:
        translate = str
    names = {c.alpha_2: translate(c.name) for c in pycountry.countries}
    return tuple(sorted(names.items(), key=lambda item: _sort_key(item[1])))


def country_choices():
    """Every ISO 3166-1 country as (code, name), named and sorted in the reader's language."""
    return list(_countries(str(get_locale() or "en")))


@functools.lru_cache(maxsize=8)
def _country_names(language):
    return dict(_countries(language))


def country_name(code):
    return _country_names(str(get_locale() or "en")).get(code, code)


def is_country(code):
    """True for an ISO 3166-1 alpha-2 code the forms offer."""
    return code in _country_names("en")
