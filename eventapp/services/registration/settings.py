"""Registration rules an organiser edits: dates, approval, capacities, and sessions' places.

Edits take effect at once: raising a capacity gives the new places to the waiting list, first in
line first, through the promotion rule of services/capacity.py (each person is told by e-mail).
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...extensions import db
from ...models import ApprovalMode, DraftSession, RegistrationPolicy
from .. import audit
from . import capacity
from .availability import registration_sessions
from ..errors import ValidationFailed

SIMPLE_FIELDS = ("opens_at", "closes_at", "changes_close_at", "approval_mode", "is_hybrid", "contact_email",
                 "reference_prefix", "accepts_delegations")


def _check_capacity(value):
    if value is not None and value < 0:
        raise ValidationFailed(_l("A capacity cannot be negative; leave it empty for no limit."))


def save_policy(event, data, user):
    """Create or change the event's registration rules; returns the people promoted."""
    for key in ("in_person_capacity", "online_capacity"):
        _check_capacity(data.get(key))
    if data.get("approval_mode", ApprovalMode.OPEN) not in ApprovalMode.ALL:
        raise ValidationFailed(_l("Unknown approval mode."))
    opens, closes = data.get("opens_at"), data.get("closes_at")
    if opens and closes and closes <= opens:
        raise ValidationFailed(_l("Registration must close after it opens."))
    policy = event.registration_policy
    created = policy is None
    if created:
        policy = RegistrationPolicy(event=event, reference_prefix=data.get("reference_prefix") or "REG")
        db.session.add(policy)
        db.session.flush()
    before = {key: getattr(policy, key) for key in SIMPLE_FIELDS + ("in_person_capacity", "online_capacity")}
    for key in SIMPLE_FIELDS:
        if key in data and (key != "reference_prefix" or data[key]):
            setattr(policy, key, data[key])
    db.session.flush()
    promoted = capacity.change_capacity(
        event, in_person=data.get("in_person_capacity", ...), online=data.get("online_capacity", ...),
        actor="organiser",
    )
    policy = event.registration_policy
    after = {key: getattr(policy, key) for key in before}
    changed = {key: [_plain(before[key]), _plain(after[key])] for key in after if before[key] != after[key]}
    if created or changed:
        audit.record(user, "registration.policy", event=event, target=event.title,
                     details={"changed": changed, "promoted": [r.reference for r in promoted], "created": created})
    return promoted


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def save_session_capacities(event, capacities, user):
    """Set the capacities of sessions that take registration ({session id: int or None}).

    A session's working-copy draft gets the same capacity, so that publishing the agenda later
    keeps it. Returns the bookings promoted from the sessions' waiting lists.
    """
    sessions = {s.id: s for s in registration_sessions(event)}
    promoted = []
    for session_id, value in capacities.items():
        session = sessions.get(session_id)
        if session is None:
            raise ValidationFailed(_l("One of the chosen sessions does not take registrations."))
        _check_capacity(value)
        if value == session.capacity:
            continue
        before = session.capacity
        promoted += capacity.change_session_capacity(session, value, actor="organiser")
        draft = db.session.scalar(sa.select(DraftSession).where(DraftSession.session_id == session.id))
        if draft is not None:
            draft.capacity = value
        audit.record(user, "session.capacity", event=event, target=session.title,
                     details={"session_id": session.id, "capacity": [before, value],
                              "promoted": [b.registration.reference for b in promoted]})
    db.session.flush()
    return promoted
