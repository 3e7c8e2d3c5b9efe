"""Manage pages for the agenda's working copy (sessions) and the event's people."""
from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..templating import tag_label
from ..services.agenda import people as people_service
from ..services.agenda import topics
from ..services.agenda import working_copy
from ..services.errors import DomainError
from ..services.agenda.local_times import to_local
from .access import event_access
from .forms import MoveForm, PersonForm, SessionForm, choices
from .views import bp

BLANK_SPEAKERS = 3


def _room_choices(event):
    return choices([(0, _("No particular room"))] + [(r.id, r.name) for r in event.rooms])


def _session_form(event, draft=None):
    if draft is None:
        start = to_local(event.starts_at, event.timezone)
        data = {"starts_at": start, "ends_at": start + timedelta(hours=1), "speakers": []}
    else:
        data = {key: getattr(draft, key) for key in ("title", "session_type", "description", "capacity", "requires_registration")}
        data.update(starts_at=to_local(draft.starts_at, draft.event.timezone), ends_at=to_local(draft.ends_at, draft.event.timezone),
                    room_id=draft.room_id or 0,
                    speakers=[{"person_id": s.person_id, "role": s.role} for s in draft.speakers],
                    topics=[t.id for t in draft.tags])
    data["speakers"] += [{"person_id": 0, "role": "speaker"}] * BLANK_SPEAKERS
    form = SessionForm(data=data)
    form.room_id.choices = _room_choices(event)
    form.topics.choices = choices([(t.id, tag_label(t)) for t in topics.event_topics(event)])
    people = choices([(0, _("(nobody)"))] + [(p.id, p.name + (f", {p.affiliation}" if p.affiliation else ""))
                                             for p in people_service.event_people_list(event)])
    for row in form.speakers:
        row.person_id.choices = people
    return form


def _values(form):
    return {
        "title": form.title.data, "session_type": form.session_type.data,
        "starts_local": form.starts_at.data, "ends_local": form.ends_at.data, "room_id": form.room_id.data,
        "description": form.description.data, "capacity": form.capacity.data,
        "requires_registration": form.requires_registration.data,
        "speakers": [(row.person_id.data, row.role.data) for row in form.speakers if row.person_id.data],
        "topic_ids": form.topics.data or [], "new_topics": topics.split_names(form.new_topics.data),
    }


def _warn(event, draft):
    drafts = working_copy.draft_sessions(event)
    for clash in working_copy.clashes(drafts):
        if clash.involves(draft):
            flash(_("Warning: %(message)s", message=working_copy.clash_message(clash, event.timezone)), "warning")


@bp.route("/events/<int:event_id>/sessions/")
@event_access
def sessions(event):
    """The working copy of the agenda, with warnings about clashes."""
    drafts = working_copy.draft_sessions(event)
    warnings = [working_copy.clash_message(c, event.timezone) for c in working_copy.clashes(drafts)]
    db.session.commit()
    return render_template("organiser/sessions.html", event=event, drafts=drafts, warnings=warnings)


def _save(event, draft):
    form = _session_form(event, draft)
    if form.validate_on_submit():
        try:
            draft = working_copy.save_draft(event, draft, _values(form), current_user)
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            _warn(event, draft)
            db.session.commit()
            flash(_("Session “%(title)s” saved in the working copy. Publish a revision to show it.", title=draft.title), "success")
            return redirect(url_for(".sessions", event_id=event.id) + f"#d{draft.id}")
    return render_template("organiser/session_form.html", event=event, draft=draft, form=form)


@bp.route("/events/<int:event_id>/sessions/new", methods=["GET", "POST"])
@event_access
def new_session(event):
    """Add a session to the working copy."""
    return _save(event, None)


@bp.route("/events/<int:event_id>/sessions/<int:draft_id>/edit", methods=["GET", "POST"])
@event_access
def edit_session(event, draft_id):
    """Edit a session of the working copy."""
    return _save(event, working_copy.draft_or_404(event, draft_id))


@bp.route("/events/<int:event_id>/sessions/<int:draft_id>/move", methods=["GET", "POST"])
@event_access
def move_session(event, draft_id):
    """Move a session to another time or room, keeping its length."""
    draft = working_copy.draft_or_404(event, draft_id)
    form = MoveForm(data={"starts_at": to_local(draft.starts_at, event.timezone), "room_id": draft.room_id or 0})
    form.room_id.choices = _room_choices(event)
    if form.validate_on_submit():
        try:
            working_copy.move_draft(event, draft, form.starts_at.data, form.room_id.data, current_user)
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            _warn(event, draft)
            db.session.commit()
            flash(_("Session “%(title)s” moved.", title=draft.title), "success")
            return redirect(url_for(".sessions", event_id=event.id) + f"#d{draft.id}")
    return render_template("organiser/move.html", event=event, draft=draft, form=form)


@bp.route("/events/<int:event_id>/sessions/<int:draft_id>/duplicate", methods=["POST"])
@event_access
def duplicate_session(event, draft_id):
    """Copy a session, then open the copy to change its time or room."""
    copy = working_copy.duplicate_draft(event, working_copy.draft_or_404(event, draft_id), current_user)
    db.session.commit()
    flash(_("Session duplicated: change the copy's time or room."), "success")
    return redirect(url_for(".edit_session", event_id=event.id, draft_id=copy.id))


@bp.route("/events/<int:event_id>/sessions/<int:draft_id>/delete", methods=["POST"])
@event_access
def delete_session(event, draft_id):
    """Delete a session that was never published."""
    draft = working_copy.draft_or_404(event, draft_id)
    try:
        working_copy.delete_draft(event, draft, current_user)
    except DomainError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Session “%(title)s” deleted.", title=draft.title), "success")
    return redirect(url_for(".sessions", event_id=event.id))


@bp.route("/events/<int:event_id>/sessions/<int:draft_id>/cancel", methods=["POST"])
@event_access
def cancel_session(event, draft_id):
    """Mark a session cancelled (or, with restore=1, scheduled again)."""
    draft = working_copy.draft_or_404(event, draft_id)
    restore = request.form.get("restore") == "1"
    working_copy.set_cancelled(event, draft, not restore, current_user)
    db.session.commit()
    flash(_("Session “%(title)s” restored.", title=draft.title) if restore
          else _("Session “%(title)s” cancelled in the working copy.", title=draft.title), "success")
    return redirect(url_for(".sessions", event_id=event.id) + f"#d{draft.id}")


@bp.route("/events/<int:event_id>/people/")
@event_access
def people(event):
    """Speakers, moderators and hosts of the event."""
    working_copy.ensure_working_copy(event)
    db.session.commit()
    return render_template("organiser/people.html", event=event, people=people_service.event_people_list(event))


@bp.route("/events/<int:event_id>/people/new", methods=["GET", "POST"])
@event_access
def new_person(event):
    """Add a person who can then be chosen as a speaker."""
    return _save_person(event, None)


@bp.route("/events/<int:event_id>/people/<int:person_id>/edit", methods=["GET", "POST"])
@event_access
def edit_person(event, person_id):
    """Edit a person's name, affiliation, job title and short bio."""
    return _save_person(event, people_service.person_or_404(event, person_id))


def _save_person(event, person):
    form = PersonForm(obj=person)
    if form.validate_on_submit():
        try:
            if person is None:
                person = people_service.create_person(event, form.data, current_user)
            else:
                people_service.update_person(event, person, form.data, current_user)
        except DomainError as exc:
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("%(name)s saved.", name=person.name), "success")
            return redirect(url_for(".people", event_id=event.id))
    return render_template("organiser/person_form.html", event=event, person=person, form=form)
