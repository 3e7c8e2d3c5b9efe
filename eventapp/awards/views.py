"""Public awards pages: the programme with its categories and running order, and each category."""
import hashlib

from flask import Blueprint, make_response, render_template, request

from ..models import utcnow
from ..services import awards

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
def programme(slug):
    """The awards programme: introduction, categories with finalists (winners once released), running order."""
    event, programme = awards.public_programme_or_404(slug)
    page = awards.awards_page(programme, now=utcnow())
    html = render_template("awards/programme.html", event=event, page=page)
    return _embargo_safe(html, page.programme.released)


@bp.route("/events/<slug>/awards/<category_slug>")
def category(slug, category_slug):
    """One award category: its finalists (winners once released) and when it is presented."""
    event, programme = awards.public_programme_or_404(slug)
    page = awards.category_page_or_404(programme, category_slug, now=utcnow())
    html = render_template("awards/category.html", event=event, page=page)
    return _embargo_safe(html, page.programme.released)
