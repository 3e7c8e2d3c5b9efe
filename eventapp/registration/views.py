"""Registering, the participant's own page, the "lost your link?" form and the privacy notice."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..extensions import db, limiter
from ..services.agenda import pages as agenda
from ..services.registration import answer_display
from ..services.registration import answers as answer_rules
from ..services.registration import availability
from ..services.registration import capacity
from ..services.registration import online, returning, tokens
from ..services.registration import notices
from ..services.registration import register as registrations
from ..services.documents.documents import participant_documents
from ..services.errors import DomainError
from . import question_fields
from .timing import uniform_duration
from .forms import ConfirmForm, EditForm, LostLinkForm, RegistrationForm, SessionsForm

bp = Blueprint("registration", __name__)


def _limit(name):
    return lambda: current_app.config[name]


@bp.after_request
def keep_links_private(response):
    """Manage links are secrets: never sent on as a Referer, never cached."""
    response.headers["Referrer-Policy"] = "no-referrer"
    if request.endpoint not in ("registration.privacy", "registration.participants"):
        response.headers["Cache-Control"] = "no-store"
    return response


def _open_event(slug):
    event = agenda.published_event_or_404(slug)
    status = availability.availability(event)
    if status is None:
        abort(404)
    return event, status


def _register_once(event, data, answers=None):
    """Register; if an identical submission won the race for the same address, remind instead."""
    for attempt in range(3):
        try:
            outcome = registrations.register(event, data, locale=str(get_locale()), answers=answers,
                                             defer_mail=True)
            db.session.commit()  # the place is taken and the lock released: now write the e-mail
            if current_app.config["MAIL_WRITE_IN_REQUEST"]:  # else the mail worker writes it
                notices.prepare_deferred(outcome.registration.id)
                db.session.commit()
            return outcome
        except IntegrityError:
            db.session.rollback()
            if attempt == 2:
                raise
    return None


@bp.route("/events/<slug>/register", methods=["GET", "POST"])
@limiter.limit(_limit("REGISTRATION_RATE_LIMIT"), methods=["POST"])
@uniform_duration
def register(slug):
    """The registration form, or a page saying registration is closed."""
    event, status = _open_event(slug)
    if not status.is_open:
        return render_template("registration/closed.html", event=event, status=status)
    hybrid = status.policy.is_hybrid
    questions = answer_rules.form_questions(status.policy)
    form_class = question_fields.with_questions(RegistrationForm, questions)
    form = form_class(policy=status.policy, sessions=status.sessions)
    if form.is_submitted() and form.is_bot:
        session["registered_email"] = (form.email.data or "").strip()[:254]
        return redirect(url_for(".received", slug=slug))
    valid = form.validate_on_submit()
    answers = None
    if form.is_submitted():
        answers, fine = question_fields.check_submitted(form, questions)
        valid = fine and valid
    if valid:
        try:
            _register_once(event, form.data, answers=answers)
        except registrations.RegistrationClosed:
            db.session.rollback()
            return render_template("registration/closed.html", event=event, status=status)
        except answer_rules.AnswersInvalid as exc:
            db.session.rollback()
            question_fields.show_errors(form, exc.errors)
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            session["registered_email"] = form.email.data
            return redirect(url_for(".received", slug=slug))
    return render_template("registration/form.html", event=event, status=status, form=form, questions=questions,
                           hints=question_fields.hints(questions, hybrid=hybrid))


@bp.route("/events/<slug>/register/received")
def received(slug):
    """The same answer for every accepted submission: an e-mail is on its way."""
    event = agenda.published_event_or_404(slug)
    address = session.get("registered_email")
    if not address:
        return redirect(url_for(".register", slug=slug))
    return render_template("registration/received.html", event=event, address=address)


@bp.route("/events/<slug>/lost-link", methods=["GET", "POST"])
@limiter.limit(_limit("LOST_LINK_RATE_LIMIT"), methods=["POST"])
@uniform_duration
def lost_link(slug):
    """E-mail the manage link again to whoever registered with that address."""
    event, _status = _open_event(slug)
    form = LostLinkForm()
    if form.validate_on_submit():
        registrations.send_manage_link(event, form.email.data)
        db.session.commit()
        session["lost_link_email"] = form.email.data
        return redirect(url_for(".lost_link_sent", slug=slug))
    return render_template("registration/lost_link.html", event=event, form=form)


@bp.route("/events/<slug>/lost-link/sent")
def lost_link_sent(slug):
    event = agenda.published_event_or_404(slug)
    address = session.get("lost_link_email")
    if not address:
        return redirect(url_for(".lost_link", slug=slug))
    return render_template("registration/lost_link_sent.html", event=event, address=address)


def own_registration(token):
    registration = tokens.registration_by_token(token)
    if registration is None:
        abort(404)
    return registration


def own_page(template, registration, token, **context):
    policy = registration.event.registration_policy
    return render_template(
        template,
        registration=registration,
        event=registration.event,
        policy=policy,
        token=token,
        can_change=registrations.can_change(registration),
        changes_close_at=availability.changes_close_at(policy),
        **context,
    )


@bp.route("/registrations/<token>")
def manage(token):
    """A participant's own registration: its state, details and sessions."""
    registration = own_registration(token)
    return own_page(
        "registration/manage.html",
        registration,
        token,
        position=capacity.waitlist_position(registration),
        answered=answer_display.answered_list(registration, str(get_locale())),
        has_questions=bool(answer_rules.asked_questions(registration.event, registration.mode)),
        online_links=online.visible_links(registration),
        participant_documents=participant_documents(registration, str(get_locale())),
        can_register_again=(returning.may_register_again(registration)
                            and availability.availability(registration.event).is_open),
    )


@bp.route("/registrations/<token>/edit", methods=["GET", "POST"])
def edit(token):
    """Change one's details; a new e-mail address is used once confirmed from it."""
    registration = own_registration(token)
    if not registrations.can_change(registration):
        return redirect(url_for(".manage", token=token))
    policy = registration.event.registration_policy
    current = {
        name: getattr(registration, name)
        for name in (*registrations.DETAILS, "email", "mode", "listed_publicly")
    }
    form = EditForm(policy=policy, data=dict(current, country=registration.country_code))
    if form.validate_on_submit():
        try:
            email_pending = registrations.edit(registration, form.data)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            flash(_("Your details are saved."), "success")
            if email_pending:
                flash(
                    _("We have sent a link to %(address)s. Your new address is used once you follow it.",
                      address=form.email.data),
                    "info",
                )
            return redirect(url_for(".manage", token=token))
    return own_page("registration/edit.html", registration, token, form=form)


@bp.route("/registrations/<token>/answers", methods=["GET", "POST"])
def change_answers(token):
    """See and change one's answers to the organisers' own questions, until the deadline for changes."""
    registration = own_registration(token)
    if not registrations.can_change(registration):
        return redirect(url_for(".manage", token=token))
    questions = answer_rules.asked_questions(registration.event, registration.mode)
    if not questions:
        return redirect(url_for(".manage", token=token))
    form_class = question_fields.with_questions(question_fields.AnswersForm, questions,
                                                held=answer_rules.held_choices(registration))
    form = form_class(data=answer_rules.stored_values(registration) if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            answer_rules.change_answers(registration, question_fields.raw_answers(form, questions))
            db.session.commit()
        except answer_rules.AnswersInvalid as exc:
            db.session.rollback()
            question_fields.show_errors(form, exc.errors)
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            flash(_("Your answers are saved."), "success")
            return redirect(url_for(".manage", token=token))
    return own_page("registration/answers.html", registration, token, form=form, questions=questions,
                 hints=question_fields.hints(questions, hybrid=False))


@bp.route("/registrations/<token>/sessions", methods=["GET", "POST"])
def change_sessions(token):
    """Choose the sessions that take their own registration."""
    registration = own_registration(token)
    if not registrations.can_change(registration):
        return redirect(url_for(".manage", token=token))
    status = availability.availability(registration.event)
    booked = [b.session_id for b in registration.bookings if b.state != "cancelled"]
    form = SessionsForm(sessions=status.sessions, data={"sessions": booked})
    if form.validate_on_submit():
        try:
            registrations.change_sessions(registration, form.sessions.data or [])
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            flash(_("Your sessions are saved."), "success")
            return redirect(url_for(".manage", token=token))
    return own_page("registration/sessions.html", registration, token, form=form, status=status)


@bp.route("/registrations/<token>/cancel", methods=["GET", "POST"])
def cancel(token):
    """Ask once more, then cancel the registration."""
    registration = own_registration(token)
    if not registrations.can_change(registration):
        return redirect(url_for(".manage", token=token))
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            registrations.cancel(registration)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            flash(_("Your registration is cancelled. An e-mail confirms it."), "success")
        return redirect(url_for(".manage", token=token))
    return own_page("registration/cancel.html", registration, token, form=form)
