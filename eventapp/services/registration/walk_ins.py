"""Registrations added by hand by the organisers: walk-ins at the door, VIPs, late names.

An organiser chooses the state (confirmed, waiting list, or awaiting approval on a moderated
event), whether the person is e-mailed, and may confirm over capacity only by saying so
explicitly; that choice is written to the audit log. Registration's opening times do not apply.
Places are counted under the same lock as every registration (capacity.lock_policy).

The event's own questions are asked too, but a required one may be left empty here: at the door
the organiser often does not know the answer (a visa letter, a dietary choice), and turning a
person away for it would be worse. What is given is checked as on the public form; the person
answers the rest from their own page, or an organiser fills it in from the desk later.
"""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...extensions import db
from ...models import ApprovalMode, BookingState, ParticipationMode, Registration, RegistrationState, SessionBooking
from .. import audit
from ..errors import DomainError, ValidationFailed
from ...taxonomy import N_
from . import answers as answer_rules
from . import capacity, notices
from .addresses import email_key
from .delegations import no_address_key
from .register import DETAILS, _chosen_sessions, new_reference

#: The states an organiser may give; "auto" places the person as the public form would.
AUTO = "auto"
STATES = (AUTO, RegistrationState.CONFIRMED, RegistrationState.WAITLISTED, RegistrationState.PENDING)
DESK, CHECKIN = "desk", "checkin"


class OverCapacityNotConfirmed(DomainError):
    status_code = 409


def _actor(user):
    return f"organiser:{getattr(user, 'email', '') or 'command line'}"


def add_registration(event, data, user, *, state=AUTO, over_capacity=False, send_confirmation=False,
                     check_in=False, source=DESK, answers=None, now=None):
    """Add a registration by hand; returns it. Refusals name the field they are about.

    `answers` ({question id: value}) to the event's questions: required ones may stay empty
    (see above); a wrong answer raises AnswersInvalid before any place is taken.
    """
    now = now or datetime.now(timezone.utc)
    policy = capacity.lock_policy(event)
    event = policy.event
    if state not in STATES:
        raise ValidationFailed(_l("Please choose a state."), field="state")
    if state == RegistrationState.PENDING and policy.approval_mode != ApprovalMode.MODERATED:
        raise ValidationFailed(_l("Only a moderated event has registrations awaiting approval."), field="state")
    address = (data.get("email") or "").strip()
    if send_confirmation and not address:
        raise ValidationFailed(_l("Give an e-mail address to send the confirmation."), field="email")
    if address and db.session.scalar(sa.select(sa.exists().where(
            Registration.event_id == event.id, Registration.email_key == email_key(address)))):
        raise ValidationFailed(_l("Someone is already registered with this address."), field="email")
    mode = data.get("mode") if policy.is_hybrid and data.get("mode") else ParticipationMode.IN_PERSON
    left = capacity.places_left(policy, mode)
    waiting = capacity.registrations_in(policy, mode, RegistrationState.WAITLISTED)
    if state == AUTO:
        if policy.approval_mode == ApprovalMode.MODERATED:
            state = RegistrationState.PENDING
        else:
            state = RegistrationState.CONFIRMED if capacity._has_room(left, waiting) else RegistrationState.WAITLISTED
    is_over = state == RegistrationState.CONFIRMED and left == 0
    if is_over and not over_capacity:
        raise OverCapacityNotConfirmed(
            _l("No place is left: tick “Confirm over capacity” to add this person anyway."), field="over_capacity")
    if check_in and state != RegistrationState.CONFIRMED:
        raise ValidationFailed(_l("Only a confirmed person can be checked in."), field="state")

    registration = Registration(
        event=event,
        reference=new_reference(policy),
        state=RegistrationState.PENDING,
        mode=mode,
        email=address,
        email_key=email_key(address) if address else no_address_key(),
        country_code=data["country"],
        privacy_consent_at=now,
        locale=data.get("locale") or "en",
        **{name: (data.get(name) or "").strip() for name in DETAILS},
    )
    for session in _chosen_sessions(event, data.get("sessions") or []):
        registration.bookings.append(SessionBooking(session=session, state=BookingState.PENDING))
    db.session.add(registration)
    db.session.flush()
    if answers is not None:
        answer_rules.save_answers(registration, answers, enforce_required=False)
    reason = N_("Added by an organiser over capacity") if is_over else N_("Added by an organiser")
    capacity.set_state(registration, state, reason=reason, actor=_actor(user), is_new=True)
    if state == RegistrationState.CONFIRMED:
        capacity.allocate_bookings(registration, actor=_actor(user))
    if check_in:
        registration.checked_in_at = now
        registration.checked_in_by_id = getattr(user, "id", None)
    db.session.flush()
    audit.record(user, "registration.add", event=event, target=registration.reference, details={
        "registration_id": registration.id, "state": state, "over_capacity": is_over,
        "send_confirmation": bool(send_confirmation), "checked_in": bool(check_in), "source": source,
    })
    if send_confirmation:
        notices.registration_mail(registration, "confirmation")
    return registration
