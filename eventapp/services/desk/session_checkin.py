"""Check-in at the door of a session with its own places (a workshop, the awards ceremony).

The person is found as at the entrance (badge, reference or name); they must hold a confirmed
place at this session. As at the entrance, checking in is one conditional UPDATE, so two scanners
reading one badge at once produce one check-in and the second says "already checked in".
"""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa

from ...extensions import db
from ...models import BookingState, EventSession, RegistrationState, SessionBooking, SessionStatus
from .checkin import ALREADY, CHECKED_IN, NOT_FOUND, PENDING, STATE_OUTCOMES, WAITLISTED, Result, find

NOT_BOOKED = "not_booked"  #: registered for the event, but holds no place at this session


def door_sessions(event):
    """The sessions that keep their own list of places: each can have its own check-in."""
    return db.session.scalars(
        sa.select(EventSession)
        .where(EventSession.event_id == event.id, EventSession.requires_registration.is_(True),
               EventSession.status == SessionStatus.SCHEDULED)
        .order_by(EventSession.starts_at, EventSession.id)
    ).all()


def session_or_none(event, session_id):
    """One of the event's sessions with its own places, or None (the event's entrance)."""
    if not session_id:
        return None
    return next((s for s in door_sessions(event) if s.id == session_id), None)


def check_in(event, session, text, *, now=None):
    """Check the person in at the session if they hold a confirmed place there; else say why not."""
    result = find(event, text)
    registration = result.registration
    if result.outcome or registration is None:
        return result
    if registration.state != RegistrationState.CONFIRMED:
        return Result(STATE_OUTCOMES.get(registration.state, NOT_FOUND), registration)
    booking = db.session.scalar(
        sa.select(SessionBooking).where(SessionBooking.registration_id == registration.id,
                                        SessionBooking.session_id == session.id)
    )
    if booking is None or booking.state == BookingState.CANCELLED:
        return Result(NOT_BOOKED, registration)
    if booking.state != BookingState.CONFIRMED:
        return Result(WAITLISTED if booking.state == BookingState.WAITLISTED else PENDING, registration)
    now = now or datetime.now(timezone.utc)
    changed = db.session.execute(
        sa.update(SessionBooking)
        .where(SessionBooking.id == booking.id, SessionBooking.state == BookingState.CONFIRMED,
               SessionBooking.checked_in_at.is_(None))
        .values(checked_in_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(booking)
    result = Result(CHECKED_IN if changed == 1 else ALREADY, registration)
    result.at = booking.checked_in_at
    return result


def counts(session):
    """Checked-in and expected (confirmed places) at the session."""
    expected, checked_in = db.session.execute(
        sa.select(sa.func.count(), sa.func.count(SessionBooking.checked_in_at))
        .where(SessionBooking.session_id == session.id, SessionBooking.state == BookingState.CONFIRMED)
    ).one()
    return {"expected": expected, "checked_in": checked_in, "by_mode": {}}
