"""Publishing the working copy as a new revision of the public agenda, and what changed in words."""
import hashlib
import json

import sqlalchemy as sa
from flask_babel import gettext as _

from ...extensions import db
from ...models import AgendaRevision, Event, EventSession, SessionStatus, utcnow
from .. import audit
from ..awards import ceremony
from .changes import is_first_publication, readable  # noqa: F401  (pages read changes through here)
from ..documents.documents import public_files_since
from .notices import notify_registrants
from .pages import event_sessions
from ..errors import ValidationFailed
from .sessions import update_session
from .topics import set_topics
from .working_copy import FIELDS, draft_sessions

#: What a change can be, in the order the changes page names them.
KINDS = ("added", "cancelled", "restored", "moved", "retitled", "speakers", "details")
DETAIL_FIELDS = ("session_type", "description", "capacity", "requires_registration")


def state(item):
    """A published or draft session as plain JSON values (UTC times in ISO 8601)."""
    return {
        "uid": item.uid,
        "title": item.title,
        "session_type": item.session_type,
        "status": item.status,
        "starts_at": item.starts_at.isoformat(),
        "ends_at": item.ends_at.isoformat(),
        "room_id": item.room_id,
        "room": item.room.name if item.room else "",
        "description": item.description,
        "capacity": item.capacity,
        "requires_registration": item.requires_registration,
        "speakers": [[s.person_id, s.person.name, s.role] for s in item.speakers],
        "topics": [t.slug for t in item.tags],
    }


def _kinds(before, after):
    if before is None:
        return ["added"] if after["status"] != SessionStatus.CANCELLED else []
    if after["status"] == SessionStatus.CANCELLED and before["status"] != SessionStatus.CANCELLED:
        return ["cancelled"]
    kinds = []
    if before["status"] == SessionStatus.CANCELLED and after["status"] != SessionStatus.CANCELLED:
        kinds.append("restored")
    if any(before[k] != after[k] for k in ("starts_at", "ends_at", "room_id")):
        kinds.append("moved")
    if before["title"] != after["title"]:
        kinds.append("retitled")
    if [s[0::2] for s in before["speakers"]] != [s[0::2] for s in after["speakers"]]:
        kinds.append("speakers")
    if any(before[k] != after[k] for k in DETAIL_FIELDS) or before.get("topics", []) != after.get("topics", []):
        kinds.append("details")
    return kinds


def _brief(s):
    """What the changes page shows of a session: no description (it can be long)."""
    return s and {k: v for k, v in s.items() if k != "description"}


def pending_changes(event, drafts=None):
    """What publishing now would change, one dict per changed session, in agenda order."""
    drafts = draft_sessions(event) if drafts is None else drafts
    published = {item.id: item for item in event_sessions(event)}
    changes = []
    for draft in drafts:
        before = state(published[draft.session_id]) if draft.session_id else None
        after = state(draft)
        kinds = _kinds(before, after)
        if kinds:
            changes.append({"uid": draft.uid, "session_id": draft.session_id, "kinds": kinds,
                            "before": _brief(before), "after": _brief(after)})
    return changes


def fingerprint(changes):
    """A short digest of pending changes: publishing checks the preview is still current."""
    return hashlib.sha256(json.dumps(changes, sort_keys=True).encode()).hexdigest()[:16]


def publish_revision(event, label, is_final, actor, expected=None):
    """Apply the working copy to the public agenda and keep the revision; returns it.

    Only sessions whose time, room, title, status or speakers changed get a new calendar
    SEQUENCE (decided by update_session); new sessions take the UID their draft reserved.
    """
    label = (label or "").strip()
    if not label or len(label) > 200:
        raise ValidationFailed(_("Give the revision a label of at most 200 characters, such as “Final programme”."))
    # One publication at a time per event (PostgreSQL row lock; SQLite serialises writers anyway).
    db.session.execute(sa.select(Event.id).where(Event.id == event.id).with_for_update())
    drafts = draft_sessions(event)
    changes = pending_changes(event, drafts)
    if expected is not None and expected != fingerprint(changes):
        raise ValidationFailed(_("The working copy changed since this preview was shown: check the changes below, then publish again."))
    published = {item.id: item for item in event_sessions(event)}
    move_ceremony_items(published, drafts)
    for draft in drafts:
        if draft.session_id is None and draft.is_cancelled:
            continue  # never shown, so nothing to announce as cancelled
        item = published.get(draft.session_id)
        if item is None:
            item = EventSession(event=event, uid=draft.uid)
            db.session.add(item)
        update_session(
            item,
            **{key: getattr(draft, key) for key in FIELDS},
            speakers=[(s.person_id, s.role) for s in draft.speakers],
        )
        if set_topics(item, draft.tags):
            item.updated_at = utcnow()
        if draft.session_id is None:
            db.session.flush()
            draft.session_id = item.id
    ids = {d.uid: d.session_id for d in drafts}
    for change in changes:
        change["session_id"] = ids[change["uid"]]
    if bool(is_final) != bool(event.agenda_is_final):
        confirm_or_unconfirm(event)
    event.agenda_label, event.agenda_is_final = label, bool(is_final)
    db.session.flush()
    previous = db.session.scalar(sa.select(AgendaRevision).where(AgendaRevision.event_id == event.id)
                                 .order_by(AgendaRevision.number.desc()).limit(1))
    number = (previous.number if previous else 0) + 1
    revision = AgendaRevision(
        event=event, number=number, label=label, is_final=bool(is_final),
        published_by_id=getattr(actor, "id", None), published_by=getattr(actor, "email", ""),
        changes=changes, snapshot=[state(item) for item in event_sessions(event)],
    )
    db.session.add(revision)
    audit.record(actor, "agenda.publish", event=event, target=label,
                 details={"revision": number, "final": bool(is_final), "changed_sessions": len(changes)})
    notify_registrants(event, changes, documents=public_files_since(event, previous))  # see notices.py
    return revision


def confirm_or_unconfirm(event):
    """A final agenda over a draft (or back) changes every live session's STATUS in calendars
    (TENTATIVE <-> CONFIRMED): raise SEQUENCE and the stamp so that clients replace their copy."""
    now = utcnow()
    for item in event_sessions(event):
        if not item.is_cancelled:
            item.sequence = (item.sequence or 0) + 1
            item.updated_at = now


def move_ceremony_items(published, drafts):
    """Awards running-order items move with the session they take place in, keeping their offset.

    Runs before any session changes; a session shortened so that an item no longer fits refuses
    the publication with a message naming the item (the caller rolls back).
    """
    for draft in drafts:
        item = published.get(draft.session_id)
        if item is not None and (item.starts_at, item.ends_at) != (draft.starts_at, draft.ends_at):
            ceremony.reschedule_session_items(item, draft.starts_at, draft.ends_at)


def ceremony_warnings(event, drafts):
    """What publishing these drafts would refuse: awards running-order items that would not fit."""
    published = {item.id: item for item in event_sessions(event)}
    warnings = []
    for draft in drafts:
        item = published.get(draft.session_id)
        if item is not None and (item.starts_at, item.ends_at) != (draft.starts_at, draft.ends_at):
            warnings += ceremony.items_that_would_not_fit(item, draft.starts_at, draft.ends_at)
    return warnings


def revisions(event):
    """Published revisions of an event's agenda, the newest first."""
    return db.session.scalars(
        sa.select(AgendaRevision).where(AgendaRevision.event_id == event.id).order_by(AgendaRevision.number.desc())
    ).all()
