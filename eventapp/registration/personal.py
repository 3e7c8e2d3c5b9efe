"""The participant's badge, data download and deletion, the address change, the public participants list and the privacy notice."""
import json

from flask import (
    Response,
    abort,
    redirect,
    render_template,
    url_for,
)

from ..extensions import db
from ..models import ParticipationMode, RegistrationState
from ..services.agenda import pages as agenda
from ..services.desk import badges
from ..services.registration import privacy as personal_data
from ..services.registration import email_change as email_changes
from ..services.errors import DomainError
from .forms import ConfirmForm
from .views import bp, own_page, own_registration


@bp.route("/registrations/<token>/badge")
def badge(token):
    """The participant's badge with its check-in QR code, once their place is confirmed."""
    registration = own_registration(token)
    if registration.state != RegistrationState.CONFIRMED or registration.mode == ParticipationMode.ONLINE:
        return redirect(url_for(".manage", token=token))  # online participants need no entrance badge
    return own_page("registration/badge.html", registration, token, badge=badges.badge(registration))


@bp.route("/registrations/<token>/data.json")
def download_data(token):
    """Everything kept about this registration, as a JSON file."""
    registration = own_registration(token)
    body = json.dumps(personal_data.export_data(registration), ensure_ascii=False, indent=2)
    return Response(body, content_type="application/json; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{registration.reference}.json"'})


@bp.route("/registrations/<token>/delete", methods=["GET", "POST"])
def delete(token):
    """Ask once more, then delete the registration and the personal data it holds."""
    registration = own_registration(token)
    form = ConfirmForm()
    if form.validate_on_submit():
        event = registration.event
        personal_data.delete_registration(registration)
        db.session.commit()
        return render_template("registration/deleted.html", event=event)
    return own_page("registration/delete.html", registration, token, form=form)


@bp.route("/events/<slug>/participants")
def participants(slug):
    """The organisations taking part, only those whose participants agreed to be listed."""
    event = agenda.published_event_or_404(slug)
    if event.registration_policy is None:
        abort(404)
    return render_template("registration/participants.html", event=event,
                           organisations=personal_data.public_organisations(event))


@bp.route("/registrations/email/<token>", methods=["GET", "POST"])
def confirm_email(token):
    """Confirm a new e-mail address from its own mailbox."""
    change = email_changes.pending_email_change(token)
    if change is None:
        return render_template("registration/email_link_invalid.html"), 404
    form = ConfirmForm()
    error = None
    if form.validate_on_submit():
        try:
            email_changes.confirm_email_change(change)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            return render_template("registration/email_confirmed.html", change=change, event=change.registration.event)
    return render_template(
        "registration/email_confirm.html", change=change, event=change.registration.event, form=form, error=error
    )


@bp.route("/privacy")
def privacy():
    """What the application collects, why, who sees it, how long it is kept, how to delete it."""
    return render_template("registration/privacy.html")
