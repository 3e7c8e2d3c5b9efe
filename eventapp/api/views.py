"""Read-only JSON API: events, published agendas, speakers, what changed, awards; its OpenAPI document.

Every answer is public and identical for everyone who asks in the same language: cookie-free,
open to every origin (CORS), with an ETag from its bytes and a Last-Modified, so a repeated
conditional request is answered 304. An event's answers come from the public page cache
(caching.py), built once per version of the event, language and query.
"""
import hashlib
import json

from flask import Blueprint, current_app, render_template, request
from flask_babel import force_locale
from werkzeug.exceptions import HTTPException

from ..caching import cached_public
from ..cookies import make_cookie_free
from ..models import utcnow
from ..services.agenda import opendata
from ..services.agenda import pages as agenda
from ..services.awards import opendata as awards_data
from ..services.awards import programme as awards
from ..services.errors import ValidationFailed
from . import openapi
from .errors import error_response

bp = Blueprint("api", __name__)

#: How long clients and shared caches may keep an answer before asking again (seconds).
MAX_AGE = 60
MAX_ID = 2**31 - 1


@bp.before_request
def public_and_bounded():
    """No cookie on any API answer; ids beyond the database's range cannot exist."""
    make_cookie_free()
    for value in (request.view_args or {}).values():
        if isinstance(value, int) and not 0 < value <= MAX_ID:
            return error_response(404, "Not found.")
        if isinstance(value, str) and ("\x00" in value or len(value) > 200):
            return error_response(404, "Not found.")
    if "lang" in request.args and request.args["lang"] not in current_app.config["LANGUAGES"]:
        return error_response(400, "'lang' takes one of " + ", ".join(current_app.config["LANGUAGES"]) + ".")
    return None


@bp.after_request
def cors(response):
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Accept-Language, If-None-Match, If-Modified-Since"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Content-Language"
    return response


@bp.errorhandler(HTTPException)
def http_error(error):
    return error_response(error.code or 500, error.description if error.code != 404 else "Not found.")


@bp.errorhandler(ValidationFailed)
def invalid(error):
    return error_response(400, str(error))


def language():
    """?lang= first, then the Accept-Language header, English as the fallback."""
    languages = current_app.config["LANGUAGES"]
    asked = request.args.get("lang")
    if asked is not None:
        if asked not in languages:
            raise ValidationFailed("'lang' takes one of " + ", ".join(languages) + ".")
        return asked
    return request.accept_languages.best_match(languages) or languages[0]


def json_answer(build, *, last_modified=None, revalidate=False):
    """Build the data in the reader's language and answer it, 304 when the client's copy is current."""
    lang = language()
    with force_locale(lang):
        data = build()
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    response = current_app.response_class(body, mimetype="application/json")
    response.set_etag(hashlib.sha256(body).hexdigest()[:40])
    if last_modified is not None:
        response.last_modified = last_modified
    response.headers["Content-Language"] = lang
    response.vary.add("Accept-Language")
    response.cache_control.public = True
    if revalidate:
        response.cache_control.no_cache = True
    else:
        response.cache_control.max_age = MAX_AGE
    return response.make_conditional(request)


@bp.route("/")
def reference():
    """The API's reference for people, drawn from its OpenAPI document."""
    return render_template("api/reference.html", spec=openapi.document(), operations=openapi.operations())


@bp.route("/openapi.json")
def openapi_document():
    """The OpenAPI 3.1 description of this API."""
    return json_answer(openapi.document)


@bp.route("/events")
def events():
    """Published events: upcoming (and running) or past, nearest first."""
    when = request.args.get("when", "upcoming")
    page = opendata.Page.from_args(request.args)
    return json_answer(lambda: opendata.public_events(when, page),
                       last_modified=opendata.published_events_changed_at())


@bp.route("/events/<slug>")
@cached_public()
def event(slug):
    """One published event: overview, venue, time zone, tags, rooms and agenda revision."""
    item = agenda.published_event_or_404(slug, with_tags=True)
    return json_answer(lambda: opendata.event_detail(item), last_modified=opendata.last_modified(item))


@bp.route("/events/<slug>/sessions")
@cached_public(("type", "topic", "day", "page", "per_page"))
def sessions(slug):
    """The published agenda's sessions in time order, filtered by type, topic and day, a page at a time."""
    item = agenda.published_event_or_404(slug)
    filters = opendata.SessionFilters.from_args(request.args)
    page = opendata.Page.from_args(request.args)
    return json_answer(lambda: opendata.event_sessions(item, filters, page), last_modified=opendata.last_modified(item))


@bp.route("/events/<slug>/sessions/<int:session_id>")
@cached_public()
def session(slug, session_id):
    """One published session with its speakers and topics."""
    item = agenda.published_event_or_404(slug)
    found = agenda.session_or_404(item, session_id)
    return json_answer(lambda: opendata.one_session(item, found), last_modified=opendata.last_modified(item))


@bp.route("/events/<slug>/speakers")
@cached_public()
def speakers(slug):
    """Everyone speaking at the event, with their sessions."""
    item = agenda.published_event_or_404(slug)
    return json_answer(lambda: opendata.speakers(item), last_modified=opendata.last_modified(item))


@bp.route("/events/<slug>/changes")
@cached_public()
def changes(slug):
    """What changed from one published revision of the agenda to the next."""
    item = agenda.published_event_or_404(slug)
    return json_answer(lambda: opendata.changes(item), last_modified=opendata.last_modified(item))


@bp.route("/events/<slug>/awards")
def awards_programme(slug):
    """The awards programme; results appear only once released, exactly as on the pages."""
    item, programme = awards.public_programme_or_404(slug)
    now = utcnow()
    # Revalidated on every request: the release time changes the answer without any edit.
    return json_answer(lambda: awards_data.awards_data(item, programme, now=now), revalidate=True)
