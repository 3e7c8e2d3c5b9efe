"""Registrations added by hand: from the registrations desk, and walk-ins from the check-in screen."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..registration import question_fields
from ..services.errors import DomainError
from ..services.registration import answers as answer_rules
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


def _form_with_questions(form_class, policy, **kwargs):
    """The form with the event's questions, loaded once; required ones are optional here (see walk_ins)."""
    questions = answer_rules.form_questions(policy)
    form = question_fields.with_questions(form_class, questions, optional=True)(policy=policy, **kwargs)
    return form, questions, question_fields.hints(questions, hybrid=policy.is_hybrid, by_organiser=True)


def _submitted(form, questions):
    """(valid, answers) of a posted form: its fields, then the answers as the service checks them."""
    valid = form.validate_on_submit()
    if not form.is_submitted():
        return False, None
    answers, fine = question_fields.check_submitted(form, questions, enforce_required=False)
    if not fine:
        form.form_errors.append(_("Please check the answers to the questions."))
    return valid and fine, answers


def _add(form, event, **options):
    """Add the registration, or put the refusal on the form; returns it or None."""
    try:
        return walk_ins.add_registration(event, _values(form), current_user, **options)
    except answer_rules.AnswersInvalid as exc:
        db.session.rollback()
        question_fields.show_errors(form, exc.errors)
        form.form_errors.append(_("Please check the answers to the questions."))
    except DomainError as exc:
        db.session.rollback()
        _show_refusal(form, exc)
    return None


@bp.route("/events/<int:event_id>/registrations/new", methods=["GET", "POST"])
@event_access
def desk_add(event):
    """Add a registration by hand: e-mail optional, the state chosen, over capacity only when confirmed."""
    policy = _policy_or_404(event)
    form, questions, hints = _form_with_questions(WalkInForm, policy, sessions=registration_sessions(event))
    valid, answers = _submitted(form, questions)
    if valid:
        registration = _add(form, event, state=form.state.data, over_capacity=form.over_capacity.data,
                            send_confirmation=form.send_confirmation.data, source=walk_ins.DESK, answers=answers)
        if registration is not None:
            db.session.commit()
            flash(_("Registration %(reference)s added for %(name)s.", reference=registration.reference,
                    name=registration.full_name), "success")
            return redirect(url_for(".desk_registration", event_id=event.id, registration_id=registration.id))
    return render_template("organiser/desk_add.html", event=event, form=form, questions=questions, hints=hints)


@bp.route("/events/<int:event_id>/checkin/walk-in", methods=["GET", "POST"])
@event_access
def checkin_walk_in(event):
    """Register a walk-in from the check-in screen, confirmed and checked in at once."""
    policy = _policy_or_404(event)
    form, questions, hints = _form_with_questions(CheckinWalkInForm, policy)
    valid, answers = _submitted(form, questions)
    if valid:
        registration = _add(form, event, state="confirmed", over_capacity=form.over_capacity.data,
                            check_in=form.check_in_now.data, source=walk_ins.CHECKIN, answers=answers)
        if registration is not None:
            db.session.commit()
            if registration.checked_in_at:
                flash(_("%(name)s is registered (%(reference)s) and checked in.", name=registration.full_name,
                        reference=registration.reference), "success")
            else:
                flash(_("%(name)s is registered (%(reference)s).", name=registration.full_name,
                        reference=registration.reference), "success")
            return redirect(url_for(".checkin_desk", event_id=event.id))
    return render_template("organiser/checkin_walk_in.html", event=event, form=form, questions=questions,
                           hints=hints)
