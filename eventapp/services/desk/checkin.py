"""Check-in at the venue: find the person from a scanned badge, a reference or a name, and say where they stand.

Checking in is one conditional UPDATE (`... WHERE checked_in_at IS NULL`): two scanners that read
the same badge at the same moment produce one check-in, and the second is told "already checked
in at HH:MM". Checking in again is harmless.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

import sqlalchemy as sa

from ...extensions import db
from ...models import Registration, RegistrationState
from . import badges

CHECKED_IN = "checked_in"
ALREADY = "already"
CANCELLED = "cancelled"
DECLINED = "declined"
WAITLISTED = "waitlisted"
PENDING = "pending"
WRONG_EVENT = "wrong_event"
NOT_FOUND = "not_found"
INVALID = "invalid"  #: shaped like a badge value, but its signature is wrong
CHOOSE = "choose"  #: a name matched several people

STATE_OUTCOMES = {
    RegistrationState.CANCELLED: CANCELLED,
    RegistrationState.DECLINED: DECLINED,
    RegistrationState.WAITLISTED: WAITLISTED,
    RegistrationState.PENDING: PENDING,
}
MAX_CANDIDATES = 10


@dataclass
class Result:
    outcome: str
    registration: Registration | None = None
    candidates: list = field(default_factory=list)

    at: datetime | None = None  #: when checked in at a session's door (the entrance's time is the registration's)

    @property
    def checked_in_at(self):
        if self.at is not None:
            return self.at
        return self.registration.checked_in_at if self.registration is not None else None


def find(event, text):
    """The registration a scan or a typed reference or name points to, as a Result without check-in yet."""
    text = (text or "").strip()[:200]
    if not text:
        return Result(NOT_FOUND)
    if badges.looks_signed(text):
        ids = badges.read_checkin_value(text)
        if ids is None:
            return Result(INVALID)
        event_id, registration_id = ids
        registration = db.session.get(Registration, registration_id)
        if registration is None or registration.erased_at is not None:
            return Result(NOT_FOUND)
        if event_id != event.id or registration.event_id != event.id:
            return Result(WRONG_EVENT, registration if registration.event_id != event.id else None)
        return Result("", registration)
    by_reference = db.session.scalar(
        sa.select(Registration).where(Registration.reference == text.upper(),
                                      Registration.erased_at.is_(None))
    )
    if by_reference is not None:
        if by_reference.event_id != event.id:
            return Result(WRONG_EVENT, by_reference)
        return Result("", by_reference)
    pattern = f"%{text.casefold()}%"
    full_name = sa.func.lower(Registration.first_name + " " + Registration.last_name)
    matches = db.session.scalars(
        sa.select(Registration)
        .where(Registration.event_id == event.id, Registration.erased_at.is_(None),
               sa.or_(full_name.like(pattern), sa.func.lower(Registration.organisation).like(pattern)))
        .order_by(Registration.last_name, Registration.first_name, Registration.id)
        .limit(MAX_CANDIDATES + 1)
    ).all()
    if len(matches) == 1:
        return Result("", matches[0])
    if matches:
        return Result(CHOOSE, candidates=matches[:MAX_CANDIDATES])
    return Result(NOT_FOUND)


def check_in(event, text, *, actor=None, now=None):
    """Check the person in if they hold a confirmed place at this event; else say why not."""
    result = find(event, text)
    registration = result.registration
    if result.outcome or registration is None:
        return result
    if registration.state != RegistrationState.CONFIRMED:
        return Result(STATE_OUTCOMES.get(registration.state, NOT_FOUND), registration)
    now = now or datetime.now(timezone.utc)
    changed = db.session.execute(
        sa.update(Registration)
        .where(Registration.id == registration.id,
               Registration.state == RegistrationState.CONFIRMED,
               Registration.checked_in_at.is_(None))
        .values(checked_in_at=now, checked_in_by_id=getattr(actor, "id", None))
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(registration)
    if changed == 1:
        return Result(CHECKED_IN, registration)
    if registration.checked_in_at is not None:
        return Result(ALREADY, registration)
    return Result(STATE_OUTCOMES.get(registration.state, NOT_FOUND), registration)


def counts(event):
    """Checked-in and expected (confirmed) people, overall and per way of taking part."""
    rows = db.session.execute(
        sa.select(Registration.mode, sa.func.count(), sa.func.count(Registration.checked_in_at))
        .where(Registration.event_id == event.id, Registration.state == RegistrationState.CONFIRMED)
        .group_by(Registration.mode)
    ).all()
    by_mode = {mode: {"expected": expected, "checked_in": checked} for mode, expected, checked in rows}
    return {
        "expected": sum(v["expected"] for v in by_mode.values()),
        "checked_in": sum(v["checked_in"] for v in by_mode.values()),
        "by_mode": by_mode,
    }
