"""How dates, times and time zones are written: British English for English, cities for zones.

The English catalogue stays "en"; only Babel's formatting uses "en_GB" (day-month-year, 24-hour
clock), the organisation's house style. Zones are named by a city a reader knows ("Geneva time",
"heure de Genève"), never by their database name ("Europe/Zurich").
"""
from babel import Locale
from babel.dates import get_timezone_location
from flask_babel import get_locale
from flask_babel import gettext

from .taxonomy import N_

#: Babel locale used to format dates and times, per language of the interface.
FORMAT_LOCALES = {"en": "en_GB"}

#: Venue cities the interface names in every language (the event's `city` is stored in English).
CITY_NAMES = {
    "Geneva": N_("Geneva"),
    "Rabat": N_("Rabat"),
    "New York": N_("New York"),
    "Brussels": N_("Brussels"),
    "Vienna": N_("Vienna"),
    "Bangkok": N_("Bangkok"),
    "Nairobi": N_("Nairobi"),
    "Cairo": N_("Cairo"),
    "Dakar": N_("Dakar"),
    "Panama City": N_("Panama City"),
    "Lisbon": N_("Lisbon"),
    "Rome": N_("Rome"),
}


def format_locale(language=None):
    """The Babel locale for dates and times: en_GB for English, the language itself otherwise."""
    language = str(language or get_locale() or "en")
    return Locale.parse(FORMAT_LOCALES.get(language.split("_")[0], language))


def zone_city(event):
    """The city that names the event's time zone in the reader's language.

    The venue's city when the event has one (Geneva for Europe/Zurich), else the zone's own city
    from CLDR ("Zúrich" in Spanish); never the database name.
    """
    city = (getattr(event, "city", "") or "").split(",")[0].strip()
    if city:
        return gettext(CITY_NAMES[city]) if city in CITY_NAMES else city
    return zone_exemplar_city(event.timezone)


def zone_exemplar_city(tz):
    """CLDR's city for an IANA zone, in the reader's language (UTC for UTC)."""
    name = str(tz)
    if name in ("UTC", "Etc/UTC"):
        return "UTC"
    return get_timezone_location(name, locale=format_locale(), return_city=True)


def format_day(day, fmt="medium"):
    """A calendar date in the reader's language, British English for English."""
    from babel.dates import format_date

    return format_date(day, fmt, locale=format_locale())


def colon():
    """": " after a label, with French's no-break space before the colon ("Référence : ...")."""
    language = str(get_locale() or "en").split("_")[0]
    return "\u00a0: " if language == "fr" else ": "
