"""Awards pages for organisers: the ceremony's running order."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..extensions import db
from ..services.agenda import pages as agenda
from ..services.awards import ceremony
from ..services.errors import DomainError
from ..services.agenda.local_times import to_local, to_utc
from .access import event_access
from .forms import choices
from .forms_awards import CeremonyItemForm
from .views import bp
from .awards import programme_or_404, item_or_404, show_error, record


@bp.route("/events/<int:event_id>/awards/ceremony/")
@event_access
def award_ceremony(event):
    """The running order, grouped by the agenda session each item takes place in, in local time."""
    programme = programme_or_404(event)
    return render_template("organiser/awards_ceremony.html", event=event, programme=programme,
                           groups=ceremony.running_order(programme),
                           outside={i.id for i in ceremony.items_outside_their_session(programme)})


def _item_form(event, programme, item):
    if item is None:
        sessions = agenda.event_sessions(event)
        start = to_local(sessions[0].starts_at if sessions else event.starts_at, event.timezone)
        data = {"starts_at": start, "ends_at": start, "session": 0, "category": 0}
    else:
        data = {"kind": item.kind, "title": item.title, "session": item.session_id,
                "starts_at": to_local(item.starts_at, event.timezone), "ends_at": to_local(item.ends_at, event.timezone),
                "category": item.category_id or 0, "is_sample": item.is_sample}
    form = CeremonyItemForm(data=data)
    form.session.choices = choices(
        [(0, _("(choose a session)"))]
        + [(s.id, f"{s.title}, {ceremony.session_window(s)}") for s in agenda.event_sessions(event)]
    )
    form.category.choices = choices([(0, _("(no category)"))] + [(c.id, c.name) for c in programme.categories])
    return form


def _item_values(event, programme, form):
    """The form's values for the services; times typed in the event's zone become UTC."""
    from ..models import EventSession

    session = db.session.get(EventSession, form.session.data) if form.session.data else None
    values = {"kind": form.kind.data, "title": form.title.data, "is_sample": form.is_sample.data,
              "session": session,
              "category": next((c for c in programme.categories if c.id == form.category.data), None)}
    for name in ("starts_at", "ends_at"):
        try:
            values[name] = to_utc(form[name].data, event.timezone)
        except DomainError as exc:
            exc.field = name
            raise
    return values


def _save_item(event, programme, item):
    form = _item_form(event, programme, item)
    if form.validate_on_submit():
        try:
            values = _item_values(event, programme, form)
            if item is None:
                item = ceremony.create_ceremony_item(programme, **values)
                action = "ceremony_item.create"
            else:
                ceremony.update_ceremony_item(item, **values)
                action = "ceremony_item.update"
        except DomainError as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            record(action, event, item.title, starts_at=item.starts_at.isoformat(), session=item.session.title)
            db.session.commit()
            flash(_("Running-order item “%(title)s” saved.", title=item.title), "success")
            return redirect(url_for(".award_ceremony", event_id=event.id) + f"#item-{item.id}")
    return render_template("organiser/awards_item.html", event=event, programme=programme, item=item, form=form)


@bp.route("/events/<int:event_id>/awards/ceremony/new", methods=["GET", "POST"])
@event_access
def new_ceremony_item(event):
    """Add an item to the running order, inside an agenda session."""
    return _save_item(event, programme_or_404(event), None)


@bp.route("/events/<int:event_id>/awards/ceremony/<int:item_id>/edit", methods=["GET", "POST"])
@event_access
def edit_ceremony_item(event, item_id):
    """Change an item of the running order; it must stay inside its session."""
    programme = programme_or_404(event)
    return _save_item(event, programme, item_or_404(programme, item_id))


@bp.route("/events/<int:event_id>/awards/ceremony/<int:item_id>/delete", methods=["POST"])
@event_access
def delete_ceremony_item(event, item_id):
    """Remove an item from the running order."""
    programme = programme_or_404(event)
    item = item_or_404(programme, item_id)
    title = item.title
    ceremony.delete_ceremony_item(item)
    record("ceremony_item.delete", event, title)
    db.session.commit()
    flash(_("Running-order item “%(title)s” deleted.", title=title), "success")
    return redirect(url_for(".award_ceremony", event_id=event.id))
