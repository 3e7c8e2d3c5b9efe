"""Public pages: the list of events, an event's overview, agenda, sessions and speakers."""
from flask import Blueprint, render_template, request
from flask_babel import get_locale

from ..caching import cached_public, changes_at
from ..services.agenda import pages as agenda
from ..services.awards import programme as awards
from ..services.documents import documents
from ..services.registration.availability import availability

bp = Blueprint("agenda", __name__)


@bp.route("/")
def index():
    """Upcoming and past events."""
    upcoming, past = agenda.list_public_events()
    return render_template("agenda/index.html", upcoming=upcoming, past=past)


def _registration(event):
    """Registration open or closed (cached until it opens or closes); places left are live."""
    registration = availability(event)
    if registration is not None:
        changes_at(registration.opens_at, registration.closes_at)
    return registration


@bp.route("/events/<slug>/")
@cached_public()
def event(slug):
    """An event's overview: when, where, why, and a link to its agenda."""
    event = agenda.published_event_or_404(slug, with_tags=True)
    return render_template("agenda/event.html", event=event, registration=_registration(event),
                           public_documents=documents.public_documents(event, str(get_locale())))


@bp.route("/events/<slug>/agenda")
@cached_public(("type", "tag", "day"))
def agenda_page(slug):
    """The timetable, one day at a time for long events, filtered by type and tag."""
    event = agenda.published_event_or_404(slug)
    filters = agenda.AgendaFilters.from_args(request.args)
    timetable = agenda.build_agenda(event, filters, day=request.args.get("day"))
    changes_at(timetable.changes_at)  # "now" and "next" move at the next start or end
    return render_template(
        "agenda/agenda.html",
        event=event,
        agenda=timetable,
        room_column=agenda.room_column,
        registration=_registration(event),
    )


@bp.route("/events/<slug>/sessions/<int:session_id>")
@cached_public()
def session(slug, session_id):
    """One session: time, place, description and speakers."""
    event = agenda.published_event_or_404(slug)
    item = agenda.session_or_404(event, session_id)
    return render_template(
        "agenda/session.html", event=event, item=item,
        hosts_ceremony=awards.session_hosts_ceremony(item),
        public_documents=documents.public_documents(event, str(get_locale()), session=item),
    )


@bp.route("/events/<slug>/speakers/")
@cached_public()
def speakers(slug):
    """Everyone speaking at the event."""
    event = agenda.published_event_or_404(slug)
    return render_template(
        "agenda/speakers.html", event=event, speakers=agenda.event_speakers(event)
    )


@bp.route("/events/<slug>/speakers/<person_slug>")
@cached_public()
def speaker(slug, person_slug):
    """A speaker's page with their sessions at the event."""
    event = agenda.published_event_or_404(slug)
    person, appearances = agenda.speaker_or_404(event, person_slug)
    return render_template(
        "agenda/speaker.html", event=event, person=person, appearances=appearances
    )


@bp.route("/events/<slug>/agenda/changes")
@cached_public()
def agenda_changes(slug):
    """What changed in the agenda from one published revision to the next, in words."""
    from ..services.agenda import revisions

    event = agenda.published_event_or_404(slug)
    history = [(r, revisions.readable(r.changes), revisions.is_first_publication(r)) for r in revisions.revisions(event)]
    return render_template("agenda/changes.html", event=event, history=history,
                           document_updates=documents.recent_public_files(event))
