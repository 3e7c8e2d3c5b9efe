"""Delegations: the focal point's registration form and the delegation's own page (private link)."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import ngettext

from ..extensions import db, limiter
from ..services.registration import answers as answer_rules
from ..services.registration import availability
from ..services.registration import capacity
from ..services.registration import delegations
from ..services.registration.member_answers import MemberAnswersInvalid
from ..services.registration.register import RegistrationClosed
from ..services.errors import DomainError
from . import question_fields
from .delegation_forms import (
    DEFAULT_ROWS, MAX_MEMBERS, DelegationConfirmForm, delegation_form_class, one_member_form_class,
    set_member_choices,
)
from .views import _limit, _open_event, bp


def _rows():
    rows = request.args.get("rows", type=int) or DEFAULT_ROWS
    return min(max(rows, 1), MAX_MEMBERS)


def _member_questions(policy):
    """The event's questions for member rows (loaded once), and their hints; on a hybrid event, of both ways."""
    questions = answer_rules.form_questions(policy)
    return questions, question_fields.hints(questions, hybrid=policy.is_hybrid)


def _refusal(form, exc, field_of):
    refusals = exc.field_errors() if isinstance(exc, MemberAnswersInvalid) else {exc.field: str(exc)}
    for name, message in refusals.items():
        target = field_of(name) if name else None
        if target is not None:
            target.errors = list(target.errors) + [message]
        else:
            form.form_errors.append(message)


def _outcome_messages(outcome):
    """What the page says about places, with the waiting members named in order."""
    confirmed, waiting = len(outcome.confirmed), outcome.waitlisted
    if outcome.pending:
        flash(ngettext("%(num)d member registered; the organisers review each registration.",
                       "%(num)d members registered; the organisers review each registration.",
                       len(outcome.pending)), "info")
    if confirmed:
        flash(ngettext("%(num)d member has a confirmed place.", "%(num)d members have a confirmed place.",
                       confirmed), "success")
    if waiting:
        flash(ngettext("Places ran out: %(num)d member is on the waiting list (%(names)s).",
                       "Places ran out: %(num)d members are on the waiting list, in the order listed (%(names)s).",
                       len(waiting), names=", ".join(m.full_name for m in waiting)), "info")


@bp.route("/events/<slug>/register/delegation", methods=["GET", "POST"])
@limiter.limit(_limit("REGISTRATION_RATE_LIMIT"), methods=["POST"])
def register_delegation(slug):
    """A focal point registers a delegation and its members."""
    event, status = _open_event(slug)
    if not status.is_open:
        return render_template("registration/closed.html", event=event, status=status)
    if not status.policy.accepts_delegations:
        abort(404)
    questions, hints = _member_questions(status.policy)
    form = delegation_form_class(questions)(policy=status.policy, sessions=status.sessions)
    if request.method == "GET":
        while len(form.members) < _rows():
            form.members.append_entry()
        for entry in form.members:
            set_member_choices(entry.form, status.policy, status.sessions)
    if form.validate_on_submit():
        try:
            outcome = delegations.register_delegation(
                event, form.data, form.member_data(), locale=str(get_locale()))
        except RegistrationClosed:
            db.session.rollback()
            return render_template("registration/closed.html", event=event, status=status)
        except DomainError as exc:
            db.session.rollback()
            _refusal(form, exc, form.member_field)
        else:
            db.session.commit()
            _outcome_messages(outcome)
            flash(_("We have e-mailed this page's link to %(address)s. Keep it: it lets you change the "
                    "delegation.", address=outcome.delegation.focal_email), "info")
            return redirect(url_for(".delegation", token=outcome.token))
    return render_template("registration/delegation_form.html", event=event, status=status, form=form,
                           hints=hints, more_rows=min(len(form.members) + 5, MAX_MEMBERS))


def _own_delegation(token):
    delegation = delegations.delegation_by_token(token)
    if delegation is None:
        abort(404)
    return delegation


def _delegation_page(delegation, token, **context):
    event = delegation.event
    policy = event.registration_policy
    status = availability.availability(event)
    questions, hints = _member_questions(policy)
    if "add_form" not in context:
        context["add_form"] = one_member_form_class(questions)(policy=policy, sessions=status.sessions, prefix="add")
    return render_template(
        "registration/delegation.html", delegation=delegation, event=event, policy=policy, token=token,
        status=status, members=delegation.members,
        positions={m.id: capacity.waitlist_position(m) for m in delegation.members},
        can_change=delegations.can_change(delegation),
        changes_close_at=availability.changes_close_at(policy), remove_form=DelegationConfirmForm(), hints=hints,
        **context,
    )


def _member_field(one_form):
    return lambda name: (one_form.member.form[name.rsplit("-", 1)[-1]]
                         if name and name.rsplit("-", 1)[-1] in one_form.member.form else None)


@bp.route("/delegations/<token>")
def delegation(token):
    """The focal point's page: the members, where each stands, and the changes allowed."""
    return _delegation_page(_own_delegation(token), token)


@bp.route("/delegations/<token>/members", methods=["POST"])
def add_member(token):
    """Add a member to the delegation."""
    delegation = _own_delegation(token)
    status = availability.availability(delegation.event)
    questions, _hints = _member_questions(status.policy)
    form = one_member_form_class(questions)(policy=status.policy, sessions=status.sessions, prefix="add")
    if form.validate_on_submit():
        try:
            member = delegations.add_member(delegation, form.member.form.data_for_service())
        except DomainError as exc:
            db.session.rollback()
            _refusal(form, exc, _member_field(form))
        else:
            db.session.commit()
            if member.state == "waitlisted":
                flash(_("%(name)s is on the waiting list, number %(position)d.", name=member.full_name,
                        position=capacity.waitlist_position(member)), "info")
            else:
                flash(_("%(name)s is added to the delegation.", name=member.full_name), "success")
            return redirect(url_for(".delegation", token=token))
    return _delegation_page(delegation, token, add_form=form), 400


@bp.route("/delegations/<token>/members/<int:registration_id>/replace", methods=["GET", "POST"])
def replace_member(token, registration_id):
    """Someone else takes a member's place."""
    delegation = _own_delegation(token)
    status = availability.availability(delegation.event)
    try:
        old = delegations.member_of(delegation, registration_id)
    except DomainError:
        abort(404)
    if not delegations.can_change(delegation):
        return redirect(url_for(".delegation", token=token))
    # The newcomer takes part as the member replaced did, and answers the questions asked of that way.
    questions = answer_rules.asked_questions(delegation.event, old.mode)
    form = one_member_form_class(questions)(policy=status.policy, sessions=(), prefix="replace", mode=old.mode)
    if form.validate_on_submit():
        try:
            new = delegations.replace_member(delegation, registration_id, form.member.form.data_for_service())
        except DomainError as exc:
            db.session.rollback()
            _refusal(form, exc, _member_field(form))
        else:
            db.session.commit()
            flash(_("%(new)s takes the place of %(old)s.", new=new.full_name, old=old.full_name), "success")
            return redirect(url_for(".delegation", token=token))
    return render_template("registration/delegation_replace.html", delegation=delegation, event=delegation.event,
                           policy=status.policy, token=token, member=old, form=form,
                           hints=question_fields.hints(questions, hybrid=False))


@bp.route("/delegations/<token>/members/<int:registration_id>/remove", methods=["POST"])
def remove_member(token, registration_id):
    """Remove a member; their place goes to the first person waiting."""
    delegation = _own_delegation(token)
    if DelegationConfirmForm().validate_on_submit():
        try:
            member = delegations.remove_member(delegation, registration_id)
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("%(name)s is removed from the delegation.", name=member.full_name), "success")
    return redirect(url_for(".delegation", token=token))
