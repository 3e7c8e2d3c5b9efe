"""The agenda in the frab schedule format (XML and JSON), for conference apps such as Giggity."""
import hashlib
import json

from flask import current_app, request

from ..cookies import make_cookie_free
from ..services.agenda import frab
from ..services.agenda import opendata
from ..services.agenda import pages as agenda
from .views import bp


def _answer(body, mimetype, event, filename):
    make_cookie_free()
    response = current_app.response_class(body, mimetype=mimetype)
    response.set_etag(hashlib.sha256(body).hexdigest()[:40])
    response.last_modified = opendata.last_modified(event)
    response.cache_control.public = True
    response.cache_control.max_age = 300
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response.make_conditional(request)


@bp.route("/events/<slug>/schedule.xml")
def schedule_xml(slug):
    """The published agenda as frab schedule XML; cancelled sessions are left out."""
    event = agenda.published_event_or_404(slug)
    return _answer(frab.schedule_xml(event), "application/xml", event, f"{event.slug}-schedule.xml")


@bp.route("/events/<slug>/schedule.json")
def schedule_json(slug):
    """The published agenda as frab schedule JSON (c3voc schema); cancelled sessions are left out."""
    event = agenda.published_event_or_404(slug)
    body = json.dumps(frab.schedule(event), ensure_ascii=False, indent=1).encode()
    return _answer(body, "application/json", event, f"{event.slug}-schedule.json")
