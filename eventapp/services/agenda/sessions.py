"""Changing agenda sessions: the one place that decides when calendars must see a new version."""
from ...extensions import db
from ...models import EventSession, Person, SessionSpeaker, SessionStatus, utcnow

#: A change to any of these changes what the calendar entry says, so SEQUENCE goes up and clients
#: replace their copy (DESCRIPTION and CATEGORIES included, not only time, place and title).
SEQUENCE_FIELDS = frozenset({"title", "starts_at", "ends_at", "room_id", "status", "speakers", "description", "session_type"})


def update_session(item: EventSession, **values):
    """Set the given fields; bump SEQUENCE when anything the calendar entry shows changes.

    Returns the names of the fields that actually changed. The last-modified stamp
    (`updated_at`, used as DTSTAMP/LAST-MODIFIED in calendars) moves only when something
    changed, so the same agenda always produces the same calendar bytes. A room is given as
    `room_id`; speakers as `speakers=[(person_id, role), ...]` in their order.
    """
    speakers = values.pop("speakers", None)
    changed = {key for key, value in values.items() if getattr(item, key) != value}
    for key in changed:
        setattr(item, key, values[key])
    if speakers is not None and sync_speakers(item, speakers):
        changed.add("speakers")
    if "room_id" in changed and item.id is not None:
        db.session.expire(item, ["room"])
    if changed & SEQUENCE_FIELDS and item.id is not None:
        item.sequence = (item.sequence or 0) + 1
    if changed:
        item.updated_at = utcnow()
    return changed


def sync_speakers(owner, speakers, row_class=SessionSpeaker):
    """Make owner.speakers match [(person_id, role), ...], updating rows in place.

    Used for published sessions and for their working-copy drafts (row_class DraftSpeaker).
    Returns whether anything changed.
    """
    wanted = [(int(person_id), role) for person_id, role in speakers]
    if [(s.person_id, s.role) for s in owner.speakers] == wanted:
        return False
    existing = {s.person_id: s for s in owner.speakers}
    rows = []
    for position, (person_id, role) in enumerate(wanted):
        row = existing.pop(person_id, None) or row_class(person=db.session.get(Person, person_id))
        row.role, row.position = role, position
        rows.append(row)
    owner.speakers = rows
    return True


def cancel_session(item: EventSession):
    """Mark a session cancelled; it stays on the agenda and in calendars as cancelled."""
    return update_session(item, status=SessionStatus.CANCELLED)
