"""Whether an event takes registrations now, and how many places are left (for pages and forms)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

import sqlalchemy as sa

from ...extensions import db
from ...models import EventSession, ParticipationMode, RegistrationPolicy, SessionStatus
from . import capacity


@dataclass
class Availability:
    """What the event pages and the form show about registration."""

    policy: RegistrationPolicy
    opens_at: datetime
    closes_at: datetime
    now: datetime
    in_person_left: int | None
    online_left: int | None
    sessions: list = field(default_factory=list)  #: (session, places left or None)

    @property
    def is_open(self):
        return (self.opens_at is None or self.opens_at <= self.now) and self.now < self.closes_at

    @property
    def session_places(self):
        return {s.id: left for s, left in self.sessions}

    @property
    def not_yet_open(self):
        return self.opens_at is not None and self.now < self.opens_at


def closes_at(policy):
    return policy.closes_at or policy.event.starts_at


def changes_close_at(policy):
    return policy.changes_close_at or policy.event.starts_at


def registration_sessions(event):
    return db.session.scalars(
        sa.select(EventSession)
        .where(
            EventSession.event_id == event.id,
            EventSession.requires_registration.is_(True),
            EventSession.status == SessionStatus.SCHEDULED,
        )
        .order_by(EventSession.starts_at, EventSession.id)
    ).all()


def availability(event, now=None):
    """Whether the event takes registrations now, and the places left; None without a policy."""
    policy = event.registration_policy
    if policy is None:
        return None
    return Availability(
        policy=policy,
        opens_at=policy.opens_at,
        closes_at=closes_at(policy),
        now=now or datetime.now(timezone.utc),
        in_person_left=capacity.places_left(policy, ParticipationMode.IN_PERSON),
        online_left=capacity.places_left(policy, ParticipationMode.ONLINE) if policy.is_hybrid else None,
        sessions=[(s, capacity.session_places_left(s)) for s in registration_sessions(event)],
    )
