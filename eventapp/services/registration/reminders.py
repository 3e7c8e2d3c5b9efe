"""The reminder e-mail before the event: once per confirmed participant, through the outbox.

An event's reminder time is its start less the policy's `reminder_hours_before` (48 by default;
None: no reminders). From that time until the event starts, `queue_due_reminders()` writes one
reminder into the outbox for each confirmed participant who registered before the reminder time
and has none yet, and records it in `registration_reminders` in the same transaction. Running it
again (from cron every few minutes, or from `mail send --loop`) finds nothing left to do: the
record is the proof, and its unique registration_id stops a duplicate even if two runs race.
On PostgreSQL the policy row is locked while an event's reminders are written, so a second run
waits, then sees the first one's records.

Content per mode (written by notices.registration_mail): in person, the venue and the badge link;
online, the online link(s); for everyone, the manage link and their calendar entry (.ics).
People who registered after the reminder time get none: their confirmation, only just sent,
already says all of it. A sender that runs late still sends before the start, never after it.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
import sqlalchemy.orm as so

from ...extensions import db
from ...models import (
    Event,
    EventStatus,
    Registration,
    RegistrationPolicy,
    RegistrationReminder,
    RegistrationState,
    SessionBooking,
)
from .notices import registration_mail
from .online import MAX_REMINDER_HOURS

MAIL_KIND = "event_reminder"


def reminder_at(event):
    """When the event's reminders become due (UTC), or None when it sends none."""
    policy = event.registration_policy
    if policy is None or policy.reminder_hours_before is None:
        return None
    return event.starts_at - timedelta(hours=policy.reminder_hours_before)


def due_events(now):
    """Published events whose reminder time has come and that have not started yet."""
    candidates = db.session.scalars(
        sa.select(Event)
        .join(RegistrationPolicy, RegistrationPolicy.event_id == Event.id)
        .where(
            Event.status == EventStatus.PUBLISHED,
            Event.starts_at > now,
            Event.starts_at <= now + timedelta(hours=MAX_REMINDER_HOURS),
            RegistrationPolicy.reminder_hours_before.is_not(None),
        )
        .options(so.contains_eager(Event.registration_policy))
        .order_by(Event.starts_at, Event.id)
    ).all()
    return [event for event in candidates if reminder_at(event) <= now]


def pending_reminders(event, limit=None):
    """Confirmed participants who registered before the reminder time and have had no reminder."""
    query = (
        sa.select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.state == RegistrationState.CONFIRMED,
            Registration.erased_at.is_(None),
            Registration.created_at <= reminder_at(event),
            ~sa.exists().where(RegistrationReminder.registration_id == Registration.id),
        )
        .options(so.selectinload(Registration.bookings).joinedload(SessionBooking.session))
        .order_by(Registration.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return db.session.scalars(query).all()


def queue_event_reminders(event, limit=None):
    """Queue the event's due reminders (at most `limit`); returns how many. The caller commits."""
    # Serialise concurrent runs per event: the second waits here, then sees the first one's records.
    db.session.execute(
        sa.select(RegistrationPolicy.id).where(RegistrationPolicy.event_id == event.id).with_for_update()
    )
    registrations = pending_reminders(event, limit)
    for registration in registrations:
        message = registration_mail(registration, MAIL_KIND)
        db.session.add(RegistrationReminder(registration_id=registration.id, outbox_message_id=message.id))
    db.session.flush()
    return len(registrations)


def queue_due_reminders(now=None, *, limit=500):
    """Queue every due reminder of every event, at most `limit` in one run; returns how many."""
    now = now or datetime.now(timezone.utc)
    queued = 0
    for event in due_events(now):
        if queued >= limit:
            break
        queued += queue_event_reminders(event, limit - queued)
    return queued
