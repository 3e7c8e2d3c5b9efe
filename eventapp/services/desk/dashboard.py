"""The organiser's dashboard: per event, its status, whether registration is open, the counts by
state and what needs attention (approvals waiting, agenda changes not yet published).

Every figure is read for all the listed events at once (one query per kind of thing, grouped or
filtered by event id), so the page costs the same number of queries for 2 events or 200.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone

import sqlalchemy as sa
import sqlalchemy.orm as so

from ...extensions import db
from ...models import (
    DraftSession, DraftSpeaker, EventSession, Registration, RegistrationPolicy, RegistrationState, SessionSpeaker,
)
from ..agenda.revisions import _kinds as change_kinds
from ..agenda.revisions import state as session_state
from ..registration.availability import closes_at


@dataclass
class EventOverview:
    """One line of the dashboard."""

    event: object
    has_registration: bool = False
    registration: str = ""  #: "open", "not_yet_open", "closed" or "" without registration
    counts: Counter = field(default_factory=Counter)  #: registration state -> number
    unpublished_changes: int = 0  #: sessions whose working copy differs from the public agenda

    @property
    def pending(self):
        return self.counts[RegistrationState.PENDING]

    @property
    def needs_attention(self):
        return bool(self.pending or self.unpublished_changes)


def _registration_window(policy, now):
    if policy.opens_at is not None and now < policy.opens_at:
        return "not_yet_open"
    return "open" if now < closes_at(policy) else "closed"


def _unpublished_changes(ids):
    """event id -> number of sessions whose draft differs from what the public sees (four queries)."""
    drafts = db.session.scalars(
        sa.select(DraftSession).where(DraftSession.event_id.in_(ids))
        .options(so.joinedload(DraftSession.room), so.selectinload(DraftSession.speakers).joinedload(DraftSpeaker.person))
    ).unique().all()
    published = {item.id: item for item in db.session.scalars(
        sa.select(EventSession).where(EventSession.event_id.in_(ids))
        .options(so.joinedload(EventSession.room), so.selectinload(EventSession.speakers).joinedload(SessionSpeaker.person))
    ).unique().all()}
    changed = Counter()
    for draft in drafts:
        before = published.get(draft.session_id)
        if change_kinds(session_state(before) if before is not None else None, session_state(draft)):
            changed[draft.event_id] += 1
    return changed


def overview(events, now=None):
    """The dashboard's lines for these events, in their order."""
    now = now or datetime.now(timezone.utc)
    ids = [event.id for event in events]
    if not ids:
        return []
    counts = defaultdict(Counter)
    for event_id, state, number in db.session.execute(
        sa.select(Registration.event_id, Registration.state, sa.func.count())
        .where(Registration.event_id.in_(ids)).group_by(Registration.event_id, Registration.state)
    ):
        counts[event_id][state] = number
    # Policies loaded in one query; each policy's event is already in the session (no lazy load).
    policies = {p.event_id: p for p in db.session.scalars(
        sa.select(RegistrationPolicy).where(RegistrationPolicy.event_id.in_(ids))
    )}
    changes = _unpublished_changes(ids)
    lines = []
    for event in events:
        policy = policies.get(event.id)
        lines.append(EventOverview(
            event=event,
            has_registration=policy is not None,
            registration=_registration_window(policy, now) if policy is not None else "",
            counts=counts[event.id],
            unpublished_changes=changes[event.id],
        ))
    return lines
