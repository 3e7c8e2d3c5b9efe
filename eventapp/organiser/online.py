"""A hybrid event's online link and reminder, on the registration settings page; sessions' own links."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..extensions import db
from ..services.agenda import pages as agenda
from ..services.errors import DomainError
from ..services.registration import notices, online
from .access import event_access
from .forms_desk import ActionForm
from .forms_online import OnlineForm
from .settings import render_settings
from .views import bp

LINK_FIELDS = ("url", "passcode", "instructions")


def _told_message(count):
    return ngettext("The new link was e-mailed to %(num)d online participant.",
                    "The new link was e-mailed to %(num)d online participants.", count)


def _show_error(form, exc):
    name = getattr(exc, "field", None)
    if name and name in form._fields:
        form[name].errors = [*form[name].errors, str(exc)]
    else:
        form.form_errors.append(str(exc))


@bp.route("/events/<int:event_id>/registrations/settings/online", methods=["POST"])
@event_access
def desk_online(event):
    """Save the event's online link and the reminder lead time; a new link is e-mailed to online participants."""
    form = OnlineForm(prefix="online")
    if form.validate_on_submit():
        data = {name: form[name].data for name in LINK_FIELDS + ("reminder_hours_before",)}
        try:
            told = online.save_event_online(event, data, current_user, mailer=notices.registration_mail)
        except DomainError as exc:
            db.session.rollback()
            _show_error(form, exc)
        else:
            db.session.commit()
            flash(_("Online link and reminder saved."), "success")
            if told:
                flash(_told_message(told), "success")
            return redirect(url_for(".desk_settings", event_id=event.id) + "#online-heading")
    return render_settings(event, online_form=form), 400


@bp.route("/events/<int:event_id>/registrations/settings/online/sessions", methods=["GET", "POST"])
@event_access
def desk_online_sessions(event):
    """Sessions' own online links, for a session streamed apart from the rest of the event."""
    sessions = agenda.event_sessions(event)
    form, errors = ActionForm(), {}
    if request.method == "POST" and form.validate_on_submit():
        links = {s.id: {name: request.form.get(f"{name}-{s.id}", "") for name in LINK_FIELDS}
                 for s in sessions if f"url-{s.id}" in request.form}
        try:
            told = online.save_session_links(event, links, current_user, mailer=notices.registration_mail)
        except DomainError as exc:
            db.session.rollback()
            errors[exc.field or ""] = str(exc)
        else:
            db.session.commit()
            flash(_("Session links saved."), "success")
            if told:
                flash(_told_message(told), "success")
            return redirect(url_for(".desk_online_sessions", event_id=event.id))
    saved = online.session_links(event)
    values = {s.id: ({name: request.form.get(f"{name}-{s.id}", "") for name in LINK_FIELDS} if errors
                     else {name: getattr(saved[s.id], name) if s.id in saved else "" for name in LINK_FIELDS})
              for s in sessions}
    status = 400 if errors else 200
    return render_template("organiser/desk_online_sessions.html", event=event, sessions=sessions, form=form,
                           values=values, errors=errors), status
