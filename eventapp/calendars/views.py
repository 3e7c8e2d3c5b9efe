"""Calendar feeds and downloads of published agendas (.ics), for import and subscription."""
from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from ..caching import cached_public
from ..services.agenda import pages as agenda
from ..services.calendars import feeds
from ..services.calendars import ical
from ..services.calendars import registrant as registrant_calendar
from ..services.errors import ValidationFailed
from ..urls import external_url, url_builder, webcal_url
from . import links
from .responses import calendar_response

bp = Blueprint("calendars", __name__)


def _language():
    """(locale for calendar text, value for ?lang= in the feed's own URL).

    Calendar text follows ?lang= only (not cookies or browser settings), so a feed URL always
    gives the same bytes to every client and cache.
    """
    lang = request.args.get("lang")
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if lang not in current_app.config["LANGUAGES"] or lang == default:
        return default, None
    return lang, lang


def _options():
    try:
        return feeds.FeedOptions.from_args(request.args)
    except ValidationFailed as exc:
        abort(400, description=str(exc))


@bp.route("/events/<slug>/calendar.ics")
@cached_public(("type", "tag", "sessions", "alarm", "lang"), language="query")
def event_feed(slug):
    """The published agenda as a feed: whole, filtered by ?type=/?tag=, or a ?sessions= choice."""
    event = agenda.published_event_or_404(slug)
    locale, lang = _language()
    with force_locale(locale):
        options = _options()
        sessions = feeds.feed_sessions(event, options)
        query = dict(options.as_args(), lang=lang)
        modified = feeds.agenda_modified_at(event)
        body = ical.calendar_bytes(
            event,
            sessions,
            name=feeds.feed_name(event, options, sessions),
            feed_url=external_url("calendars.event_feed", slug=event.slug, **query),
            page_url=external_url("agenda.agenda_page", slug=event.slug, **options.filters.as_args()),
            alarm_minutes=options.alarm_minutes,
            modified_at=modified,
        )
    return calendar_response(body, last_modified=modified, filename=ical.calendar_filename(event))


@bp.route("/events/<slug>/sessions/<int:session_id>.ics")
@cached_public(("alarm", "lang"), language="query")
def session_download(slug, session_id):
    """One session as an .ics file to open in any calendar application."""
    event = agenda.published_event_or_404(slug)
    item = agenda.session_or_404(event, session_id)
    locale, lang = _language()
    with force_locale(locale):
        alarm = _options().alarm_minutes
        body = ical.calendar_bytes(
            event,
            [item],
            single=True,
            feed_url=external_url(
                "calendars.session_download", slug=event.slug, session_id=item.id,
                alarm=alarm, lang=lang,
            ),
            page_url=external_url("agenda.session", slug=event.slug, session_id=item.id),
            alarm_minutes=alarm,
        )
    return calendar_response(
        body,
        last_modified=ical.last_modified(event, [item]),
        filename=ical.calendar_filename(event, item),
        attachment=True,
    )


@bp.route("/registrations/<token>/calendar.ics")
def registrant_feed(token):
    """A registrant's own agenda, with their status, opened by the calendar-only token."""
    registration = registrant_calendar.registration_by_calendar_token(token)
    if registration is None or not registration.event.is_published:
        abort(404)
    event = registration.event
    locale, lang = _language()
    with force_locale(locale):
        sessions, statuses = registrant_calendar.registrant_sessions(registration)
        versions = registrant_calendar.status_versions(registration, sessions)
        modified = max(filter(None, [feeds.agenda_modified_at(event), registration.updated_at,
                                     *(at for _n, at in versions.values())]))
        body = ical.calendar_bytes(
            event,
            sessions,
            name=_("%(event)s: my agenda", event=event.title),
            feed_url=external_url("calendars.registrant_feed", token=token, lang=lang),
            page_url=external_url("agenda.event", slug=event.slug),
            statuses=statuses,
            versions=versions,
            modified_at=modified,
            placeholder_status="TENTATIVE" if registration.is_active else "CANCELLED",
        )
    return calendar_response(
        body, last_modified=modified, filename=ical.calendar_filename(event), private=True
    )


@bp.app_template_global()
def registrant_feed_links(registration):
    """Subscription links of a registrant's own feed (calendar-only token, no manage link)."""
    args = dict(token=registrant_calendar.calendar_token(registration), lang=links.feed_language())
    https = external_url("calendars.registrant_feed", **args)
    return links.FeedLinks(
        download=url_for("calendars.registrant_feed", **args),
        https=https, webcal=webcal_url(https), google=links.google_subscribe_url(https)
    )


@bp.route("/events/<slug>/sessions/<int:session_id>/add-to/<any(google, outlook, office365):service>")
def add_session(slug, session_id, service):
    """Send the reader to Google Calendar's or Outlook's form for this session, filled in.

    The agenda page links here rather than to the long service URLs, which would triple its
    size for a large agenda.
    """
    event = agenda.published_event_or_404(slug)
    item = agenda.session_or_404(event, session_id)
    page = external_url("agenda.session", slug=event.slug, session_id=item.id)
    response = redirect(links.service_url(service, event, item, page))
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.errorhandler(400)
def bad_request(error):
    return render_template("calendars/bad_request.html", message=error.description), 400


@bp.app_template_global()
def calendar_feed_links(event, filters=None):
    """Download and subscription links of an event's feed, for the agenda and session pages."""
    return links.feed_links(event, filters, lang=links.feed_language())


@bp.app_template_global()
def calendar_card_texts():
    """The labels of every agenda card's calendar links, translated once per page, not per card."""
    if "calendar_card_texts" not in g:
        g.calendar_card_texts = {
            "toggle": _("My agenda"),
            "add": _("Add to calendar"),
            "download": _("Download .ics"),
            "google": _("Add to Google Calendar"),
            "outlook": _("Add to Outlook.com"),
            "office365": _("Add to Outlook (Microsoft 365)"),
        }
    return g.calendar_card_texts


@bp.app_template_global()
def calendar_session_links(event, item):
    """Add-to-calendar links of one session; the URL builder is bound once per request."""
    if "calendar_url_builder" not in g:
        g.calendar_url_builder = url_builder()
    return links.session_links(event, item, build=g.calendar_url_builder)
