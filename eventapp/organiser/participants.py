"""Manage pages for the people who registered: messages, badge sheets and check-in at the venue."""
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..services.numbers import parse_id
from ..extensions import db
from ..services import audit
from ..services.desk import badges
from ..services.desk import checkin
from ..services.desk import messages
from ..services.desk import recipients
from ..services.desk import session_checkin
from ..services.errors import DomainError
from ..templating import local_time
from .access import event_access
from .forms_participants import CheckinForm, FilterForm, MessageForm
from .views import bp

OUTCOME_TEXT = {
    checkin.CHECKED_IN: _l("Checked in now"),
    checkin.ALREADY: _l("Already checked in at %(time)s"),
    checkin.CANCELLED: _l("Cancelled: no place at this event"),
    checkin.DECLINED: _l("Declined: no place at this event"),
    checkin.WAITLISTED: _l("On the waiting list: no place yet"),
    checkin.PENDING: _l("Awaiting approval: not confirmed yet"),
    checkin.WRONG_EVENT: _l("Wrong event: this badge or reference is for another event"),
    checkin.NOT_FOUND: _l("Nobody found"),
    checkin.INVALID: _l("Not a valid badge: the code has been altered or is not ours"),
    checkin.CHOOSE: _l("Several people match: choose one"),
    session_checkin.NOT_BOOKED: _l("No place at this session: registered for the event only"),
}
#: How the screen colours each outcome.
OUTCOME_TONE = {checkin.CHECKED_IN: "ok", checkin.ALREADY: "warn", checkin.CHOOSE: "info"}


# Messages ---------------------------------------------------------------------------------------

@bp.route("/events/<int:event_id>/messages")
@event_access
def messages_log(event):
    """The messages sent to this event's registrants; ?show=<id> lists who received one."""
    shown = None
    if parse_id(request.args.get("show")) is not None:
        try:
            shown = messages.event_message(event, parse_id(request.args["show"]))
        except DomainError:
            abort(404)
    return render_template("organiser/messages.html", event=event, messages=messages.event_messages(event), shown=shown)


@bp.route("/events/<int:event_id>/messages/new", methods=["GET", "POST"])
@event_access
def new_message(event):
    """Write a message and choose who gets it; preview, then send one copy to each person."""
    form = MessageForm().set_choices(event)
    preview = None
    if form.validate_on_submit():
        filters = form.filters()
        try:
            if request.form.get("action") == "send":
                message = messages.send_message(event, filters, form.subject.data, form.body.data, current_user,
                                                expected_count=form.expected_count.data)
                db.session.commit()
                flash(_("Message queued for %(count)d people.", count=message.recipient_count), "success")
                return redirect(url_for(".messages_log", event_id=event.id, show=message.id))
            preview = messages.preview_message(event, filters, form.subject.data, form.body.data)
            form.expected_count.data = preview.count
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
    return render_template("organiser/message_form.html", event=event, form=form, preview=preview)


# Badges -----------------------------------------------------------------------------------------

@bp.route("/events/<int:event_id>/badges")
@event_access
def badge_sheet(event):
    """Badges of the chosen people, several to an A4 page, ready to print."""
    form = FilterForm(request.args, meta={"csrf": False}).set_choices(event)
    if "state" not in request.args:
        form.state.data = "confirmed"
    if not form.validate():
        form.search.data = ""
    people = recipients.select_registrants(event, form.filters())
    return render_template("organiser/badges.html", event=event, form=form,
                           badges=[badges.badge(r) for r in people])


# Check-in ---------------------------------------------------------------------------------------

def _result_json(event, result, session=None):
    registration = result.registration
    text = OUTCOME_TEXT[result.outcome]
    if result.outcome == checkin.ALREADY:
        text = _("Already checked in at %(time)s", time=local_time(result.checked_in_at, event.timezone))
    if session is not None and result.outcome == checkin.WAITLISTED:
        text = _("On the session's waiting list: no place yet")
    data = {"outcome": result.outcome, "message": str(text), "tone": OUTCOME_TONE.get(result.outcome, "stop")}
    if registration is not None and result.outcome != checkin.WRONG_EVENT:
        data["person"] = {"name": registration.full_name, "organisation": registration.organisation,
                          "reference": registration.reference}
    data["candidates"] = [{"name": r.full_name, "organisation": r.organisation, "reference": r.reference}
                          for r in result.candidates]
    data["counts"] = _counts(event, session)
    return data


def _counts(event, session):
    return session_checkin.counts(session) if session is not None else checkin.counts(event)


def _door(event, values):
    """The session whose door this check-in screen keeps (?session=<id>), or None for the entrance."""
    session_id = values.get("session", type=int) if hasattr(values, "getlist") else None
    session = session_checkin.session_or_none(event, session_id)
    if session_id and session is None:
        abort(404)
    return session


def _scan(event, text, session=None):
    if session is None:
        result = checkin.check_in(event, text, actor=current_user)
    else:
        result = session_checkin.check_in(event, session, text)
    if result.outcome == checkin.CHECKED_IN:
        audit.record(current_user, "registration.checkin", event=event, target=result.registration.reference,
                     details={"session_id": session.id, "session": session.title} if session is not None else None)
    db.session.commit()
    return _result_json(event, result, session)


@bp.route("/events/<int:event_id>/checkin", methods=["GET", "POST"])
@event_access
def checkin_desk(event):
    """The check-in screen at the entrance or at a session's door: scan a badge, or type a reference or a name."""
    session = _door(event, request.args)
    form = CheckinForm()
    result = None
    if form.validate_on_submit():
        result = _scan(event, form.q.data, session)
        form.q.data = ""
    return render_template("organiser/checkin.html", event=event, form=form, result=result,
                           counts=_counts(event, session), door=session,
                           doors=session_checkin.door_sessions(event))


@bp.route("/events/<int:event_id>/checkin/scan", methods=["POST"])
@event_access
def checkin_scan(event):
    """Check in from a scan or a typed text; answers JSON for the check-in screen."""
    session = _door(event, request.args)
    payload = request.get_json(silent=True) or request.form
    return jsonify(_scan(event, str(payload.get("q", "")), session))


@bp.route("/events/<int:event_id>/checkin/counts")
@event_access
def checkin_counts(event):
    """How many confirmed people have checked in so far, for the live counter."""
    return jsonify(_counts(event, _door(event, request.args)))
