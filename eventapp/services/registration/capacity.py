"""Places: the per-event lock, counts, allocation, and promotion from the waiting lists.

Every change that takes or frees a place first calls `lock_policy(event)`. On PostgreSQL that is
`SELECT ... FOR UPDATE` on the event's policy row; on SQLite a no-op UPDATE of the same row takes
the database's write lock. Either way, one change per event at a time counts and takes places, so
concurrent registrations, cancellations and promotions can never give one place to two people.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...extensions import db
from ...models import (
    BookingState, EventSession, ParticipationMode, Registration, RegistrationChange, RegistrationPolicy,
    RegistrationState, SessionBooking, utcnow,
)
from . import notices
from .waitlist import count, waitlist_position  # noqa: F401  (callers ask capacity for a position)
from ..errors import DomainError, NotFound
from ..agenda.sessions import update_session
from ...taxonomy import N_

SYSTEM = "system"

#: History reasons for a change of participation mode (stored in English, shown translated).
_MODE_REASONS = {ParticipationMode.ONLINE: N_("Now taking part online"),
                 ParticipationMode.IN_PERSON: N_("Now taking part in person")}


class NoPlaceLeft(DomainError):
    status_code = 409


def lock_policy(event) -> RegistrationPolicy:
    """Take the event's registration lock; everything read after it is current."""
    db.session.flush()
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            sa.update(RegistrationPolicy)
            .where(RegistrationPolicy.event_id == event.id)
            .values(id=RegistrationPolicy.id)
            .execution_options(synchronize_session=False)
        )
        query = sa.select(RegistrationPolicy)
    else:
        query = sa.select(RegistrationPolicy).with_for_update()
    # Objects loaded before the lock may be stale: reload them from the now-current rows.
    db.session.expire_all()
    policy = db.session.scalar(query.where(RegistrationPolicy.event_id == event.id))
    if policy is None:
        raise NotFound(_l("This event does not take registrations."))
    return policy


def record(registration, to_state, *, reason="", actor=SYSTEM, session=None, from_state=None):
    """Add an entry to the registration's history."""
    db.session.add(
        RegistrationChange(
            registration=registration,
            session_id=session.id if session is not None else None,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            actor=actor,
        )
    )


def set_state(registration, state, *, reason="", actor=SYSTEM, is_new=False):
    """Move a registration to a new state and record why."""
    previous = None if is_new else registration.state
    registration.state = state
    registration.waitlisted_at = utcnow() if state == RegistrationState.WAITLISTED else None
    record(registration, state, reason=reason, actor=actor, from_state=previous)


def set_booking_state(booking, state, *, reason="", actor=SYSTEM):
    previous = booking.state
    booking.state = state
    booking.waitlisted_at = utcnow() if state == BookingState.WAITLISTED else None
    record(booking.registration, state, reason=reason, actor=actor, session=booking.session, from_state=previous)


def registrations_in(policy, mode, state):
    return count(
        sa.select(Registration.id).where(
            Registration.event_id == policy.event_id,
            Registration.mode == mode,
            Registration.state == state,
        )
    )


def _counts(policy, mode):
    """(confirmed, waiting) in the mode, in one statement."""
    state = Registration.state
    row = db.session.execute(
        sa.select(
            sa.func.count().filter(state == RegistrationState.CONFIRMED),
            sa.func.count().filter(state == RegistrationState.WAITLISTED),
        ).where(Registration.event_id == policy.event_id, Registration.mode == mode)
    ).one()
    return row[0], row[1]


def places_left(policy, mode):
    """Free places for the mode, or None when it has no limit."""
    capacity = policy.capacity(mode)
    if capacity is None:
        return None
    return max(capacity - registrations_in(policy, mode, RegistrationState.CONFIRMED), 0)


def bookings_in(session, state):
    return count(
        sa.select(SessionBooking.id).where(
            SessionBooking.session_id == session.id, SessionBooking.state == state
        )
    )


def session_places_left(session):
    if session.capacity is None:
        return None
    return max(session.capacity - bookings_in(session, BookingState.CONFIRMED), 0)



def _has_room(left, waiting):
    """A newcomer gets a place only if one is free and nobody is already waiting for it."""
    return left is None or (left > 0 and waiting == 0)


def has_room_for_newcomer(policy, mode):
    """True when a newcomer in this mode would get a place now (places counted in one statement)."""
    confirmed, waiting = _counts(policy, mode)
    limit = policy.capacity(mode)
    return _has_room(None if limit is None else max(limit - confirmed, 0), waiting)


def place(policy, registration, *, reason, actor=SYSTEM, is_new=False):
    """Confirm the registration if a place is free in its mode, else put it on the waiting list."""
    if has_room_for_newcomer(policy, registration.mode):
        set_state(registration, RegistrationState.CONFIRMED, reason=reason, actor=actor, is_new=is_new)
        allocate_bookings(registration, actor=actor)
    else:
        set_state(registration, RegistrationState.WAITLISTED, reason=reason, actor=actor, is_new=is_new)
    db.session.flush()


def allocate_bookings(registration, *, actor=SYSTEM):
    """Give the confirmed registration a place at each session it asked for, or a waiting spot."""
    for booking in registration.bookings:
        if booking.state != BookingState.PENDING:
            continue
        db.session.flush()
        left = session_places_left(booking.session)
        waiting = bookings_in(booking.session, BookingState.WAITLISTED)
        state = BookingState.CONFIRMED if _has_room(left, waiting) else BookingState.WAITLISTED
        set_booking_state(booking, state, reason=N_("Place at the session"), actor=actor)
    db.session.flush()


def release(policy, registration, state, *, reason, actor):
    """End a registration (cancelled or declined), free its places and promote whoever waits."""
    set_state(registration, state, reason=reason, actor=actor)
    for booking in registration.bookings:
        if booking.state != BookingState.CANCELLED:
            set_booking_state(booking, BookingState.CANCELLED, reason=reason, actor=actor)
    db.session.flush()
    return promote(policy)


def promote(policy):
    """Give free places to the waiting lists, first in line first, and tell each person by e-mail."""
    promoted = []
    for mode in ParticipationMode.ALL:
        while places_left(policy, mode) != 0:
            first = db.session.scalar(
                sa.select(Registration)
                .where(
                    Registration.event_id == policy.event_id,
                    Registration.mode == mode,
                    Registration.state == RegistrationState.WAITLISTED,
                )
                .order_by(Registration.waitlisted_at, Registration.id)
                .limit(1)
            )
            if first is None:
                break
            set_state(first, RegistrationState.CONFIRMED, reason=N_("A place became free"))
            allocate_bookings(first)
            notices.registration_mail(first, "promoted")
            promoted.append(first)
    sessions = db.session.scalars(
        sa.select(EventSession).where(
            EventSession.event_id == policy.event_id, EventSession.requires_registration.is_(True)
        )
    ).all()
    for session in sessions:
        promote_session(session)
    return promoted


def promote_session(session):
    """Give a session's free places to its waiting list, in order."""
    promoted = []
    while session_places_left(session) != 0:
        first = db.session.scalar(
            sa.select(SessionBooking)
            .where(SessionBooking.session_id == session.id, SessionBooking.state == BookingState.WAITLISTED)
            .order_by(SessionBooking.waitlisted_at, SessionBooking.id)
            .limit(1)
        )
        if first is None:
            break
        set_booking_state(first, BookingState.CONFIRMED, reason=N_("A place became free"))
        db.session.flush()
        notices.registration_mail(first.registration, "session_promoted", session=session)
        promoted.append(first)
    return promoted


def change_mode(policy, registration, mode, *, actor):
    """Switch between in person and online; a confirmed person switches only into a free place."""
    if mode == registration.mode:
        return
    if mode == ParticipationMode.ONLINE and registration.state == RegistrationState.CONFIRMED:
        if not has_room_for_newcomer(policy, mode):
            raise NoPlaceLeft(_l("No place is left for that way of taking part; you keep your current place."))
    if mode == ParticipationMode.ONLINE:
        _release_session_places(registration, actor=actor)
    if registration.state == RegistrationState.CONFIRMED:
        if not has_room_for_newcomer(policy, mode):
            raise NoPlaceLeft(_l("No place is left for that way of taking part; you keep your current place."))
        registration.mode = mode
        record(registration, registration.state, reason=_MODE_REASONS.get(mode, mode), actor=actor,
               from_state=registration.state)
        db.session.flush()
        promote(policy)
    elif registration.state == RegistrationState.WAITLISTED:
        registration.mode = mode
        place(policy, registration, reason=_MODE_REASONS.get(mode, mode), actor=actor)
    else:
        registration.mode = mode


def _release_session_places(registration, *, actor):
    """Sessions with their own places (a reception, a ceremony) are seats in the room: someone
    who now takes part online gives theirs up, and the next person waiting gets it."""
    for booking in registration.bookings:
        if booking.state != BookingState.CANCELLED:
            set_booking_state(booking, BookingState.CANCELLED, reason=_MODE_REASONS[ParticipationMode.ONLINE],
                              actor=actor)
    db.session.flush()
    for booking in registration.bookings:
        promote_session(booking.session)


def change_capacity(event, *, in_person=..., online=..., actor=SYSTEM):
    """Set the event's capacities (None: no limit); raising one promotes from the waiting list."""
    policy = lock_policy(event)
    if in_person is not ...:
        policy.in_person_capacity = in_person
    if online is not ...:
        policy.online_capacity = online
    db.session.flush()
    return promote(policy)


def change_session_capacity(session, capacity, *, actor=SYSTEM):
    """Set a session's own capacity (None: no limit); raising it promotes from its waiting list."""
    lock_policy(session.event)
    update_session(session, capacity=capacity)
    db.session.flush()
    return promote_session(session)


def confirm_from_waiting_list(policy, registration, *, actor, over_capacity=False):
    """An organiser gives a waiting person a place now, ahead of the queue if they so decide.

    Without `over_capacity` it needs a free place in the person's way of taking part; with it,
    the organiser knowingly confirms one more person than the capacity.
    """
    if registration.state != RegistrationState.WAITLISTED:
        raise NotOnWaitingList(_l("Only a registration on the waiting list can be moved from it."))
    if places_left(policy, registration.mode) == 0 and not over_capacity:
        raise NoPlaceLeft(_l("No place is left: raise the capacity, or confirm over capacity."))
    set_state(registration, RegistrationState.CONFIRMED, reason=N_("Moved from the waiting list"), actor=actor)
    allocate_bookings(registration, actor=actor)
    db.session.flush()


class NotOnWaitingList(DomainError):
    status_code = 409
