"""Changing agenda sessions: the one place that decides when calendars must see a new version."""
from ..extensions import db
from ..models import EventSession, SessionStatus, utcnow

#: A change to any of these makes calendar clients replace their copy: SEQUENCE goes up.
SEQUENCE_FIELDS = frozenset({"title", "starts_at", "ends_at", "room_id", "status"})


def update_session(item: EventSession, **values):
    """Set the given fields; bump SEQUENCE when time, place, title or status change.

    Returns the names of the fields that actually changed. The last-modified stamp
    (`updated_at`, used as DTSTAMP/LAST-MODIFIED in calendars) moves only when something
    changed, so the same agenda always produces the same calendar bytes. A room is given as
    `room_id`.
    """
    changed = {key for key, value in values.items() if getattr(item, key) != value}
    for key in changed:
        setattr(item, key, values[key])
    if "room_id" in changed and item.id is not None:
        db.session.expire(item, ["room"])
    if changed & SEQUENCE_FIELDS and item.id is not None:
        item.sequence = (item.sequence or 0) + 1
    if changed:
        item.updated_at = utcnow()
    return changed


def cancel_session(item: EventSession):
    """Mark a session cancelled; it stays on the agenda and in calendars as cancelled."""
    return update_session(item, status=SessionStatus.CANCELLED)
