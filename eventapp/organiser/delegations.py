"""Delegations at the desk: the list, one delegation's members, and a message to all of them."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..extensions import db
from ..services import audit
from ..services.desk import messages
from ..services.desk.recipients import ACTIVE, Filters
from ..services.errors import DomainError
from ..services.registration import capacity
from ..services.registration import delegation_lists
from ..services.registration import delegations as delegation_service
from .access import event_access
from .forms_desk import ActionForm
from .views import bp


class DelegationMessageForm(FlaskForm):
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=20000)],
                         description=_l("Each member's copy starts with “Dear” and their first name and ends with "
                                        "their own registration link. Members without an address: their copy goes "
                                        "to the focal point."))


@bp.route("/events/<int:event_id>/delegations")
@event_access
def delegations(event):
    """The event's delegations with their members counted by state."""
    return render_template("organiser/delegations.html", event=event,
                           rows=delegation_lists.event_delegations(event))


def _delegation_or_404(event, delegation_id):
    delegation = delegation_lists.event_delegation(event, delegation_id)
    if delegation is None:
        abort(404)
    return delegation


def _page(event, delegation, form):
    return render_template(
        "organiser/delegation.html", event=event, delegation=delegation, form=form,
        positions={m.id: capacity.waitlist_position(m) for m in delegation.members},
    )


@bp.route("/events/<int:event_id>/delegations/<int:delegation_id>")
@event_access
def delegation(event, delegation_id):
    """One delegation: its focal point, its members, and the decisions and message for all of them."""
    return _page(event, _delegation_or_404(event, delegation_id), DelegationMessageForm())


@bp.route("/events/<int:event_id>/delegations/<int:delegation_id>/message", methods=["POST"])
@event_access
def delegation_message(event, delegation_id):
    """Send one message to every active member of the delegation."""
    delegation = _delegation_or_404(event, delegation_id)
    form = DelegationMessageForm()
    if form.validate_on_submit():
        try:
            message = messages.send_message(event, Filters(state=ACTIVE, delegation_id=delegation.id),
                                            form.subject.data, form.body.data, current_user)
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Message queued for %(count)d people.", count=message.recipient_count), "success")
            return redirect(url_for(".messages_log", event_id=event.id, show=message.id))
    return _page(event, delegation, form)


@bp.route("/events/<int:event_id>/delegations/<int:delegation_id>/link", methods=["POST"])
@event_access
def delegation_link(event, delegation_id):
    """E-mail the focal point a new delegation link (for a lost one); the earlier link stops working."""
    delegation = _delegation_or_404(event, delegation_id)
    if ActionForm().validate_on_submit():
        delegation_service.send_delegation_link(delegation)
        audit.record(current_user, "delegation.link", event=event, target=delegation.name,
                     details={"delegation_id": delegation.id})
        db.session.commit()
        flash(_("A new link to the delegation's page was e-mailed to %(address)s.", address=delegation.focal_email),
              "success")
    return redirect(url_for(".delegation", event_id=event.id, delegation_id=delegation.id))
