"""Registrations added by hand: from the registrations desk, and walk-ins from the check-in screen."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..services.errors import DomainError
from ..services.registration import walk_ins
from ..services.registration.availability import registration_sessions
from .access import event_access
from .forms_walk_ins import CheckinWalkInForm, WalkInForm
from .views import bp


def _policy_or_404(event):
    if event.registration_policy is None:
        abort(404)
    return event.registration_policy


def _show_refusal(form, exc):
    target = form[exc.field] if exc.field and exc.field in form else None
    if target is not None:
        target.errors = list(target.errors) + [str(exc)]
    else:
        form.form_errors.append(str(exc))


def _values(form):
    return {name: f.data for name, f in form._fields.items() if name != "csrf_token"}


@bp.route("/events/<int:event_id>/registrations/new", methods=["GET", "POST"])
@event_access
def desk_add(event):
    """Add a registration by hand: e-mail optional, the state chosen, over capacity only when confirmed."""
    policy = _policy_or_404(event)
    form = WalkInForm(policy=policy, sessions=registration_sessions(event))
    if form.validate_on_submit():
        values = _values(form)
        try:
            registration = walk_ins.add_registration(
                event, values, current_user, state=values["state"], over_capacity=values["over_capacity"],
                send_confirmation=values["send_confirmation"], source=walk_ins.DESK)
        except DomainError as exc:
            db.session.rollback()
            _show_refusal(form, exc)
        else:
            db.session.commit()
            flash(_("Registration %(reference)s added for %(name)s.", reference=registration.reference,
                    name=registration.full_name), "success")
            return redirect(url_for(".desk_registration", event_id=event.id, registration_id=registration.id))
    return render_template("organiser/desk_add.html", event=event, form=form)


@bp.route("/events/<int:event_id>/checkin/walk-in", methods=["GET", "POST"])
@event_access
def checkin_walk_in(event):
    """Register a walk-in from the check-in screen, confirmed and checked in at once."""
    policy = _policy_or_404(event)
    form = CheckinWalkInForm(policy=policy)
    if form.validate_on_submit():
        values = _values(form)
        try:
            registration = walk_ins.add_registration(
                event, values, current_user, state="confirmed", over_capacity=values["over_capacity"],
                check_in=values["check_in_now"], source=walk_ins.CHECKIN)
        except DomainError as exc:
            db.session.rollback()
            _show_refusal(form, exc)
        else:
            db.session.commit()
            if registration.checked_in_at:
                flash(_("%(name)s is registered (%(reference)s) and checked in.", name=registration.full_name,
                        reference=registration.reference), "success")
            else:
                flash(_("%(name)s is registered (%(reference)s).", name=registration.full_name,
                        reference=registration.reference), "success")
            return redirect(url_for(".checkin_desk", event_id=event.id))
    return render_template("organiser/checkin_walk_in.html", event=event, form=form)
