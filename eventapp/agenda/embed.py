"""The agenda widget: a compact agenda made for an <iframe> on the websites an organiser lists."""
from flask import current_app, make_response, render_template, request

from ..cookies import make_cookie_free
from ..security_headers import policy_framed_by
from ..services.agenda import embedding
from ..services.agenda import pages as agenda
from .views import bp


@bp.route("/events/<slug>/embed")
def embed(slug):
    """The published agenda, compact, with links opening the full pages in a new tab."""
    event = agenda.published_event_or_404(slug)
    make_cookie_free()
    lang = request.args.get("lang") if request.args.get("lang") in current_app.config["LANGUAGES"] else None
    timetable = agenda.build_agenda(event, agenda.AgendaFilters.from_args(request.args))
    response = make_response(render_template("agenda/embed.html", event=event, agenda=timetable, lang=lang))
    # Framing is allowed here only, and only by the websites the organiser listed.
    response.headers["Content-Security-Policy"] = policy_framed_by(embedding.frame_ancestors(event))
    response.vary.add("Accept-Language")
    return response
