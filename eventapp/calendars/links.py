"""Links that put a feed or a session into people's calendars: .ics, webcal://, Google, Outlook."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import current_app, url_for
from flask_babel import get_locale

from ..services.calendars import ical
from ..urls import url_builder, webcal_url

GOOGLE_RENDER = "https://calendar.google.com/calendar/render"
OUTLOOK_HOSTS = {"outlook_live": "outlook.live.com", "outlook_office": "outlook.office.com"}


@dataclass(frozen=True)
class FeedLinks:
    download: str  #: relative: download from the site being browsed
    https: str  #: absolute feed URL on PUBLIC_BASE_URL
    webcal: str  #: subscribe in Apple Calendar, Outlook, Thunderbird
    google: str  #: subscribe in Google Calendar (which wants the https URL)


@dataclass(frozen=True)
class SessionLinks:
    download: str
    google: str
    outlook_live: str
    outlook_office: str


def feed_language():
    """The reader's language for calendar text, or None for the default (kept out of the URL)."""
    locale = str(get_locale())
    return None if locale == current_app.config["BABEL_DEFAULT_LOCALE"] else locale


def google_subscribe_url(feed_url):
    """Google Calendar's "add by URL" page for a feed."""
    return f"{GOOGLE_RENDER}?{urlencode({'cid': feed_url})}"


def feed_links(event, filters=None, lang=None):
    """Download and subscription links of the event's feed, with the agenda's current filters."""
    args = dict(filters.as_args()) if filters is not None else {}
    args["lang"] = lang
    https = url_builder()("calendars.event_feed", slug=event.slug, **args)
    return FeedLinks(
        download=url_for("calendars.event_feed", slug=event.slug, **{k: v for k, v in args.items() if v}),
        https=https,
        webcal=webcal_url(https),
        google=google_subscribe_url(https),
    )


def _local(dt, zone):
    return dt.astimezone(zone).replace(microsecond=0)


def google_event_url(event, item, page_url):
    """Google Calendar's new-event form, filled in: local wall-clock times plus ctz=<IANA zone>."""
    zone = ZoneInfo(event.timezone)
    start, end = _local(item.starts_at, zone), _local(item.ends_at, zone)
    query = {
        "action": "TEMPLATE",
        "text": item.title,
        "dates": f"{start:%Y%m%dT%H%M%S}/{end:%Y%m%dT%H%M%S}",
        "ctz": event.timezone,
        "details": page_url,
        "location": ical.location(event, item),
    }
    return f"{GOOGLE_RENDER}?{urlencode(query)}"


def outlook_event_url(event, item, page_url, host=OUTLOOK_HOSTS["outlook_live"]):
    """Outlook on the web's new-event form, with ISO 8601 times carrying the event's UTC offset."""
    zone = ZoneInfo(event.timezone)
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": item.title,
        "startdt": _local(item.starts_at, zone).isoformat(),
        "enddt": _local(item.ends_at, zone).isoformat(),
        "location": ical.location(event, item),
        "body": page_url,
    }
    return f"https://{host}/calendar/0/action/compose?{urlencode(query)}"


def service_url(service, event, item, page_url):
    """The add-this-session URL of a calendar service ("google", "outlook" or "office365")."""
    if service == "google":
        return google_event_url(event, item, page_url)
    host = {"outlook": OUTLOOK_HOSTS["outlook_live"], "office365": OUTLOOK_HOSTS["outlook_office"]}[service]
    return outlook_event_url(event, item, page_url, host)


SERVICES = ("google", "outlook", "office365")


def session_links(event, item, build=None):
    """The .ics download and the Google and Outlook links of one session."""
    build = build or url_builder()
    page = build("agenda.session", slug=event.slug, session_id=item.id)
    return SessionLinks(
        download=url_for("calendars.session_download", slug=event.slug, session_id=item.id, lang=feed_language()),
        google=service_url("google", event, item, page),
        outlook_live=service_url("outlook", event, item, page),
        outlook_office=service_url("office365", event, item, page),
    )
