"""Registering for an event: register, edit, change sessions, cancel, approve and decline.

Every function here flushes and leaves the commit to its caller, so a registration, its history
entries and its outbox e-mails are saved together or not at all. Places are handed out in
services/capacity.py under the event's registration lock.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...extensions import db
from ...models import (
    ApprovalMode, BookingState, OutboxMessage, ParticipationMode, Registration, RegistrationState,
    SessionBooking,
)
from . import answers as answer_rules
from . import capacity
from .addresses import email_key
from .returning import PARTICIPANT, may_register_again
from . import notices
from .availability import changes_close_at, closes_at, registration_sessions
from ..errors import DomainError, ValidationFailed
from ...taxonomy import N_

#: A reminder is not sent again within this time of the last reminder (a double click, a flood of
#: requests). Only reminders count: the first request after a confirmation always gets its e-mail.
REMINDER_PAUSE = timedelta(minutes=2)
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U


class RegistrationClosed(DomainError):
    status_code = 403


class ChangesClosed(DomainError):
    status_code = 403


class InvalidState(DomainError):
    status_code = 409


def _now(now):
    return now or datetime.now(timezone.utc)


def new_reference(policy):
    """A short code people can read aloud, e.g. IDM24-7KQ3M, unused so far."""
    for _ in range(20):
        code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(5))
        reference = f"{policy.reference_prefix}-{code}"
        if not db.session.scalar(sa.select(sa.exists().where(Registration.reference == reference))):
            return reference
    raise RuntimeError("could not find a free reference code")


@dataclass
class Outcome:
    registration: Registration
    created: bool


DETAILS = (
    "first_name", "last_name", "organisation", "job_title", "stakeholder_group",
    "accessibility_needs", "dietary_requirements",
)


def _chosen_sessions(event, session_ids):
    if not session_ids:
        return []
    allowed = {s.id: s for s in registration_sessions(event)}
    unknown = set(session_ids) - set(allowed)
    if unknown:
        raise ValidationFailed(_l("One of the chosen sessions does not take registrations."))
    return [allowed[i] for i in sorted(set(session_ids))]


def register(event, data, *, locale="en", now=None, answers=None, defer_mail=False):
    """Register a person, or e-mail the existing registration's link to its address holder.

    `answers` ({question id: value}) are checked and stored by answers.save_answers for a new
    registration; an existing one keeps its own. `defer_mail`: the e-mail's row is queued now and
    its text, HTML and calendar are written after the commit (notices.prepare_deferred), so the
    place lock is not held while an e-mail is rendered or a long agenda turned into a calendar.
    """
    now = _now(now)
    # Read before the place lock, which is kept for what needs it: two forms for one address at
    # once both find none here, and the second then fails on the unique (event, address) index;
    # the caller tries again and answers it as a double submission. A reference code taken
    # meanwhile fails the same way.
    existing = db.session.scalar(
        sa.select(Registration).where(
            Registration.event_id == event.id, Registration.email_key == email_key(data["email"])
        )
    )
    reference = new_reference(event.registration_policy) if existing is None else None
    policy = capacity.lock_policy(event)
    event = policy.event
    opens, closes = policy.opens_at, closes_at(policy)
    if (opens is not None and now < opens) or now >= closes:
        raise RegistrationClosed(_l("Registration for this event is not open."))
    if existing is not None and may_register_again(existing):
        _register_again(policy, existing, data, locale=locale, now=now, defer_mail=defer_mail)
        return Outcome(existing, created=True)
    if existing is not None:
        # A second submission of the form (a double click) is answered by the e-mail just sent.
        send_reminder(existing, now=now, after_any_mail=True, defer_mail=defer_mail)
        return Outcome(existing, created=False)

    registration = Registration(
        event=event,
        reference=reference,
        state=RegistrationState.PENDING,
        mode=data.get("mode") if policy.is_hybrid and data.get("mode") else ParticipationMode.IN_PERSON,
        email=data["email"].strip(),
        email_key=email_key(data["email"]),
        country_code=data["country"],
        privacy_consent_at=now,
        listed_publicly=bool(data.get("listed_publicly")),
        locale=locale,
        **{name: (data.get(name) or "").strip() for name in DETAILS},
    )
    for session in _chosen_sessions(event, data.get("sessions") or []):
        registration.bookings.append(SessionBooking(session=session, state=BookingState.PENDING))
    # The place is decided before the row is written, so it is inserted once, in its state.
    if policy.approval_mode == ApprovalMode.MODERATED:
        db.session.add(registration)
        capacity.record(registration, RegistrationState.PENDING, reason=N_("Registered; awaiting approval"), actor=PARTICIPANT)
    else:
        capacity.place(policy, registration, reason=N_("Registered"), actor=PARTICIPANT, is_new=True)
    db.session.add(registration)
    db.session.flush()
    if answers is not None:
        questions = answer_rules.asked_questions(event, registration.mode)
        if questions:  # raises AnswersInvalid: the caller rolls back, and the place with it
            answer_rules.save_answers(registration, answers, questions=questions)
    notices.registration_mail(registration, "confirmation", defer=defer_mail)
    return Outcome(registration, created=True)


def _register_again(policy, registration, data, *, locale, now, defer_mail=False):
    """A person who cancelled comes back: a new registration under today's rules, same reference.

    Their details are the ones just given; their place is taken as a newcomer's would be
    (approval, free place or the end of the waiting list), and the sessions are the ones chosen now.
    """
    for name in DETAILS:
        setattr(registration, name, (data.get(name) or "").strip())
    registration.email = data["email"].strip()
    registration.country_code = data["country"]
    registration.privacy_consent_at = now
    registration.listed_publicly = bool(data.get("listed_publicly"))
    registration.locale = locale
    registration.mode = data.get("mode") if policy.is_hybrid and data.get("mode") else ParticipationMode.IN_PERSON
    chosen = {s.id: s for s in _chosen_sessions(policy.event, data.get("sessions") or [])}
    for booking in registration.bookings:
        if booking.session_id in chosen:
            booking.state, booking.waitlisted_at = BookingState.PENDING, None
            chosen.pop(booking.session_id)
    for session in chosen.values():
        registration.bookings.append(SessionBooking(session=session, state=BookingState.PENDING))
    db.session.flush()
    if policy.approval_mode == ApprovalMode.MODERATED:
        capacity.set_state(registration, RegistrationState.PENDING,
                           reason=N_("Registered again; awaiting approval"), actor=PARTICIPANT)
    else:
        capacity.place(policy, registration, reason=N_("Registered again"), actor=PARTICIPANT)
    db.session.flush()
    notices.registration_mail(registration, "registered_again", defer=defer_mail)


def send_reminder(registration, now=None, *, after_any_mail=False, defer_mail=False):
    """E-mail the registration's state (and a manage link while it is active) to its own address.

    Not twice within REMINDER_PAUSE. For the "lost your link?" form only earlier reminders count,
    so the first request after a confirmation is always answered; a repeated registration form
    (`after_any_mail`) is answered by whatever e-mail was just sent.
    """
    now = _now(now)
    query = sa.select(sa.func.max(OutboxMessage.created_at)).where(OutboxMessage.registration_id == registration.id)
    if not after_any_mail:
        query = query.where(OutboxMessage.kind == "reminder")
    last = db.session.scalar(query)
    if last is not None and now - last < REMINDER_PAUSE:
        return None
    return notices.registration_mail(registration, "reminder", defer=defer_mail)


def send_manage_link(event, address, now=None):
    """The "lost your link?" form: e-mail a link if that address registered; say nothing either way."""
    registration = db.session.scalar(
        sa.select(Registration).where(Registration.event_id == event.id, Registration.email_key == email_key(address))
    )
    if registration is not None:
        send_reminder(registration, now=now)


def can_change(registration, now=None):
    policy = registration.event.registration_policy
    return registration.is_active and _now(now) < changes_close_at(policy)


def _check_changes_open(registration, now):
    if not registration.is_active:
        raise InvalidState(_l("This registration is no longer active."))
    if _now(now) >= changes_close_at(registration.event.registration_policy):
        raise ChangesClosed(_l("The deadline for changes has passed."))


def edit(registration, data, *, now=None):
    """Change one's details and way of taking part; a new e-mail address waits for its confirmation."""
    policy = capacity.lock_policy(registration.event)
    _check_changes_open(registration, now)
    for name in DETAILS:
        setattr(registration, name, (data.get(name) or "").strip())
    registration.country_code = data["country"]
    registration.listed_publicly = bool(data.get("listed_publicly"))
    if policy.is_hybrid and data.get("mode"):
        capacity.change_mode(policy, registration, data["mode"], actor=PARTICIPANT)
    db.session.flush()
    if email_key(data["email"]) != registration.email_key:
        from .email_change import request_email_change

        request_email_change(registration, data["email"].strip(), now=now)
        return True
    return False


def change_sessions(registration, session_ids, *, now=None):
    """Book and unbook sessions; freed places go to the sessions' waiting lists."""
    policy = capacity.lock_policy(registration.event)
    _check_changes_open(registration, now)
    wanted = {s.id: s for s in _chosen_sessions(registration.event, session_ids)}
    changed = False
    for booking in registration.bookings:
        if booking.session_id in wanted:
            if booking.state == BookingState.CANCELLED:
                capacity.set_booking_state(booking, BookingState.PENDING, reason=N_("Session chosen again"), actor=PARTICIPANT)
                changed = True
            wanted.pop(booking.session_id)
        elif booking.state != BookingState.CANCELLED:
            capacity.set_booking_state(booking, BookingState.CANCELLED, reason=N_("Session removed"), actor=PARTICIPANT)
            changed = True
    for session in wanted.values():
        booking = SessionBooking(session=session, state=BookingState.PENDING)
        registration.bookings.append(booking)
        capacity.record(registration, BookingState.PENDING, reason=N_("Session chosen"), actor=PARTICIPANT, session=session)
        changed = True
    db.session.flush()
    if registration.state == RegistrationState.CONFIRMED:
        capacity.allocate_bookings(registration, actor=PARTICIPANT)
    capacity.promote(policy)
    if changed:
        notices.registration_mail(registration, "sessions_changed")
    return changed


def cancel(registration, *, reason="", actor=PARTICIPANT, now=None):
    """Cancel a registration; its place goes to the first person waiting."""
    policy = capacity.lock_policy(registration.event)
    if actor == PARTICIPANT:
        _check_changes_open(registration, now)
    elif not registration.is_active:
        raise InvalidState(_l("This registration is no longer active."))
    capacity.release(policy, registration, RegistrationState.CANCELLED, reason=reason or N_("Cancelled"), actor=actor)
    notices.registration_mail(registration, "cancelled")


def approve(registration, *, actor):
    """An organiser accepts a pending registration: confirmed if a place is left, else waiting list."""
    policy = capacity.lock_policy(registration.event)
    if registration.state != RegistrationState.PENDING:
        raise InvalidState(_l("Only a registration awaiting approval can be approved."))
    capacity.place(policy, registration, reason=N_("Approved"), actor=actor)
    notices.registration_mail(registration, "approved")


def decline(registration, *, reason, actor):
    """An organiser declines a registration, saying why; a place it held goes to the waiting list."""
    policy = capacity.lock_policy(registration.event)
    if not registration.is_active:
        raise InvalidState(_l("This registration is no longer active."))
    if not (reason or "").strip():
        raise ValidationFailed(_l("Please give the reason for declining."))
    capacity.release(policy, registration, RegistrationState.DECLINED, reason=reason.strip(), actor=actor)
    notices.registration_mail(registration, "declined", reason=reason.strip())
