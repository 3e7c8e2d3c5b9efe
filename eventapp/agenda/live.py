"""What changes with every registration, served live beside the cached pages: places left."""
from flask import jsonify, make_response, render_template
from flask_babel import gettext as _
from flask_babel import ngettext

from ..services.agenda import pages as agenda
from ..services.registration.availability import availability
from .views import bp


def _places_text(left):
    if left is None:
        return _("places available")
    if left == 0:
        return _("full: you join the waiting list")
    return ngettext("%(num)d place left", "%(num)d places left", left)


def _no_store(response):
    response.cache_control.no_store = True
    return response


@bp.route("/events/<slug>/places")
def places(slug):
    """Places left at the event and in its sessions with limited places, now."""
    event = agenda.published_event_or_404(slug)
    registration = availability(event)
    return _no_store(
        make_response(
            render_template("agenda/places.html", event=event, registration=registration)
        )
    )


@bp.route("/events/<slug>/places.json")
def places_json(slug):
    """The same figures as short texts, keyed as the cached pages' place holders are."""
    event = agenda.published_event_or_404(slug)
    registration = availability(event)
    texts = {}
    if registration is not None and registration.is_open:
        texts["in_person"] = _places_text(registration.in_person_left)
        if registration.policy.is_hybrid:
            texts["online"] = _places_text(registration.online_left)
        texts.update({f"s{s.id}": _places_text(left) for s, left in registration.sessions})
    return _no_store(jsonify(texts))
