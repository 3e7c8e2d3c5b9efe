"""Public awards pages: the programme with its categories and running order, and each category."""
import hashlib

from flask import Blueprint, current_app, make_response, render_template, request, url_for
from flask_babel import force_locale

from ..caching import cached_public, changes_at
from ..calendars import links
from ..calendars.responses import calendar_response
from ..models import utcnow
from ..services.awards import programme as awards
from ..services.calendars import ceremony as ceremony_calendar
from ..urls import external_url, webcal_url

bp = Blueprint("awards", __name__)


def _embargo_safe(html, released):
    """A response no cache keeps past the release: revalidated every time, its ETag from its bytes."""
    response = make_response(html)
    response.cache_control.no_cache = True
    response.vary.update(("Cookie", "Accept-Language"))
    digest = hashlib.sha256(response.get_data() + (b"released" if released else b"embargoed"))
    response.set_etag(digest.hexdigest()[:32])
    return response.make_conditional(request)


@bp.route("/events/<slug>/awards")
@cached_public()
def programme(slug):
    """The awards programme: introduction, categories with finalists (winners once released), running order."""
    event, programme = awards.public_programme_or_404(slug)
    changes_at(programme.release_at)  # the results appear then, without any edit
    page = awards.awards_page(programme, now=utcnow())
    html = render_template("awards/programme.html", event=event, page=page)
    return _embargo_safe(html, page.programme.released)


@bp.route("/events/<slug>/awards/<category_slug>")
@cached_public()
def category(slug, category_slug):
    """One award category: its finalists (winners once released) and when it is presented."""
    event, programme = awards.public_programme_or_404(slug)
    changes_at(programme.release_at)  # the results appear then, without any edit
    page = awards.category_page_or_404(programme, category_slug, now=utcnow())
    html = render_template("awards/category.html", event=event, page=page)
    return _embargo_safe(html, page.programme.released)


@bp.route("/events/<slug>/awards/ceremony.ics")
@cached_public(("lang",), language="query")
def ceremony_feed(slug):
    """The ceremony's running order as a calendar feed; winners named only once the results are out.

    Public and cookie-free like the agenda feeds, but revalidated on every poll: the release time
    changes the calendar without any edit, so no cache may keep a copy past it.
    """
    event, programme = awards.public_programme_or_404(slug)
    changes_at(programme.release_at)  # the results appear then, without any edit
    lang = request.args.get("lang")
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if lang not in current_app.config["LANGUAGES"] or lang == default:
        lang = None
    with force_locale(lang or default):
        body, modified = ceremony_calendar.calendar_bytes(
            event, programme, feed_url=external_url("awards.ceremony_feed", slug=event.slug, lang=lang), now=utcnow()
        )
    return calendar_response(
        body, last_modified=modified, filename=ceremony_calendar.calendar_filename(event), revalidate=True
    )


@bp.app_template_global()
def ceremony_feed_links(event):
    """Download and subscription links of the ceremony's calendar feed, for the awards pages."""
    lang = links.feed_language()
    https = external_url("awards.ceremony_feed", slug=event.slug, lang=lang)
    return links.FeedLinks(
        download=url_for("awards.ceremony_feed", slug=event.slug, **({"lang": lang} if lang else {})),
        https=https, webcal=webcal_url(https), google=links.google_subscribe_url(https),
    )
