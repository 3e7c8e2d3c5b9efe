"""Manage pages for an event: create, edit details and sections, rooms, show or hide it."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..services.accounts import can_manage
from ..services import accounts
from ..services.agenda import events as event_service
from ..services.agenda import revisions
from ..services.agenda import working_copy
from ..services.errors import DomainError
from ..services.agenda.local_times import to_local
from ..taxonomy import GCM_OBJECTIVES, SDG_NAMES, gcm_label, sdg_label
from .access import event_access, signed_in
from .forms import EventForm, RoomsForm, choices
from .views import bp

BLANK_ROWS = 2


def _event_form(event=None):
    if event is None:
        form = EventForm()
    else:
        data = {key: getattr(event, key) for key in event_service.DETAIL_FIELDS}
        data["starts_at"] = to_local(event.starts_at, event.timezone)
        data["ends_at"] = to_local(event.ends_at, event.timezone)
        data["sections"] = [{"heading": s.heading, "body": s.body} for s in event.sections]
        data["sections"] += [{"heading": "", "body": ""}] * BLANK_ROWS
        data["sdgs"] = [t.code for t in event.tags if t.scheme == "sdg"]
        data["gcms"] = [t.code for t in event.tags if t.scheme == "gcm"]
        form = EventForm(data=data)
    form.sdgs.choices = choices((code, sdg_label(code)) for code in SDG_NAMES)
    form.gcms.choices = choices((code, gcm_label(code)) for code in GCM_OBJECTIVES)
    return form


def _values(form):
    values = {key: form[key].data for key in ("title", "slug", "kind", "timezone", "venue_name",
                                               "venue_address", "city", "country_code", "summary")}
    values["starts_local"], values["ends_local"] = form.starts_at.data, form.ends_at.data
    return values


@bp.route("/events/new", methods=["GET", "POST"])
@signed_in
def new_event():
    """Create an event; it stays hidden from the public until published."""
    form = _event_form()
    del form.sections, form.sdgs, form.gcms
    if form.validate_on_submit():
        try:
            event = event_service.create_event(_values(form), current_user)
        except DomainError as exc:
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Event created. It is hidden from the public until you publish it."), "success")
            return redirect(url_for(".event", event_id=event.id))
    return render_template("organiser/event_form.html", form=form, event=None)


@bp.route("/events/<int:event_id>/")
@event_access
def event(event):
    """An event's manage page: status, agenda revisions and links to everything else."""
    drafts = working_copy.draft_sessions(event)
    pending = revisions.pending_changes(event, drafts)
    db.session.commit()  # a working copy made on first visit is kept
    return render_template(
        "organiser/event.html", event=event, session_count=len(drafts), pending=pending,
        revisions=revisions.revisions(event), organisers=accounts.event_organiser_list(event),
    )


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@event_access
def edit_event(event):
    """Edit what the event's public pages show."""
    form = _event_form(event)
    if form.validate_on_submit():
        sections = [(row.heading.data or "", row.body.data or "") for row in form.sections]
        try:
            changed = event_service.update_event(event, _values(form), sections, form.sdgs.data, form.gcms.data, current_user)
        except DomainError as exc:
            form.form_errors.append(str(exc))
            db.session.rollback()
        else:
            db.session.commit()
            flash(_("Event saved.") if changed else _("Nothing to save: no field changed."), "success")
            return redirect(url_for(".event", event_id=event.id))
    return render_template("organiser/event_form.html", form=form, event=event)


@bp.route("/events/<int:event_id>/rooms", methods=["GET", "POST"])
@event_access
def rooms(event):
    """Add, rename, reorder and remove the event's rooms."""
    data = {"rooms": [{"room_id": r.id, "room_name": r.name} for r in event.rooms] + [{"room_id": "", "room_name": ""}] * 3}
    form = RoomsForm(data=data)
    if form.validate_on_submit():
        try:
            event_service.save_rooms(event, [(row.room_id.data, row.room_name.data or "") for row in form.rooms], current_user)
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Rooms saved."), "success")
            return redirect(url_for(".rooms", event_id=event.id))
    return render_template("organiser/rooms.html", form=form, event=event)


@bp.route("/events/<int:event_id>/publish-event", methods=["POST"])
@event_access
def publish_event(event):
    """Show the event's pages to the public."""
    event_service.set_visibility(event, True, current_user)
    db.session.commit()
    flash(_("The event is now public."), "success")
    return redirect(url_for(".event", event_id=event.id))


@bp.route("/events/<int:event_id>/unpublish-event", methods=["POST"])
@event_access
def unpublish_event(event):
    """Hide the event's pages from the public again."""
    event_service.set_visibility(event, False, current_user)
    db.session.commit()
    flash(_("The event is now hidden from the public."), "success")
    return redirect(url_for(".event", event_id=event.id))


@bp.route("/events/<slug>/", defaults={"page": ""})
@bp.route("/events/<slug>/<path:page>")
@signed_in
def event_by_slug(slug, page):
    """`/manage/events/<slug>/...` leads to the same page under the event's number, for those who manage
    it (links written with the public address's slug, such as /manage/events/idm-2024-geneva/checkin)."""
    event = event_service.event_by_slug(slug)
    if event is None or not can_manage(current_user, event):
        abort(404)
    target = f"{url_for('.event', event_id=event.id)}{page}"
    query = request.query_string.decode()
    return redirect(f"{target}?{query}" if query else target)
