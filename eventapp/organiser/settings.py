"""Registration settings: dates, approval and capacities, taking effect at once."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..services.numbers import parse_id
from ..extensions import db
from ..services.registration import settings as registration_settings
from ..services.registration.availability import registration_sessions
from ..services.errors import DomainError
from ..services.agenda.local_times import to_local, to_utc
from .access import event_access
from .forms_desk import ActionForm, PolicyForm
from .forms_online import online_form as saved_online_form
from .views import bp

TIMES = ("opens_at", "closes_at", "changes_close_at")


def _policy_form(event):
    policy = event.registration_policy
    if policy is None or request.method == "POST":
        return PolicyForm()
    data = {name: getattr(policy, name) for name in ("approval_mode", "in_person_capacity", "online_capacity",
                                                     "is_hybrid", "contact_email", "reference_prefix",
                                                     "accepts_delegations")}
    for name in TIMES:
        value = getattr(policy, name)
        data[name] = to_local(value, event.timezone) if value else None
    return PolicyForm(data=data)


def _promoted_message(count):
    return ngettext("%(num)d person moved from the waiting list to a confirmed place.",
                    "%(num)d people moved from the waiting list to a confirmed place.", count)


@bp.route("/events/<int:event_id>/registrations/settings", methods=["GET", "POST"])
@event_access
def desk_settings(event):
    """When registration opens and closes, who approves, how many places; saved changes apply at once."""
    form = _policy_form(event)
    if form.validate_on_submit():
        data = {name: form[name].data for name in ("approval_mode", "in_person_capacity", "online_capacity",
                                                   "is_hybrid", "reference_prefix", "accepts_delegations")}
        data["contact_email"] = (form.contact_email.data or "").strip()
        try:
            for name in TIMES:
                data[name] = to_utc(form[name].data, event.timezone) if form[name].data else None
            promoted = registration_settings.save_policy(event, data, current_user)
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Registration settings saved."), "success")
            if promoted:
                flash(_promoted_message(len(promoted)), "success")
            return redirect(url_for(".desk_settings", event_id=event.id))
    return render_settings(event, form=form)


def render_settings(event, form=None, online_form=None):
    """The settings page; a refused form is shown as posted, the others as saved."""
    return render_template("organiser/desk_settings.html", event=event, form=form or _policy_form(event),
                           sessions=registration_sessions(event), sessions_form=ActionForm(),
                           online_form=online_form or saved_online_form(event))


@bp.route("/events/<int:event_id>/registrations/settings/sessions", methods=["POST"])
@event_access
def desk_session_capacities(event):
    """Places at each session that takes its own registration; raising one promotes its waiting list."""
    if not ActionForm().validate_on_submit():
        return redirect(url_for(".desk_settings", event_id=event.id))
    capacities, refused = {}, []
    for session in registration_sessions(event):
        key = f"capacity-{session.id}"
        if key not in request.form:
            continue
        raw = request.form[key].strip()
        if raw == "":
            capacities[session.id] = None
        elif parse_id(raw) is not None:
            capacities[session.id] = parse_id(raw)
        else:
            refused.append(session.title)
    if refused:
        flash(_("Nothing was saved: the places of %(sessions)s must be a whole number, or empty for no limit.",
                sessions=", ".join(f"“{title}”" for title in refused)), "error")
        return redirect(url_for(".desk_settings", event_id=event.id))
    try:
        promoted = registration_settings.save_session_capacities(event, capacities, current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Session places saved."), "success")
        if promoted:
            flash(_promoted_message(len(promoted)), "success")
    return redirect(url_for(".desk_settings", event_id=event.id))
