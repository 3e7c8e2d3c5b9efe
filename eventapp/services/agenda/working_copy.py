"""The agenda organisers edit: draft sessions, checked and warned about, published only on request."""
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort
from flask_babel import gettext as _

from ...extensions import db
from ...formatting import zone_city
from ...models import (
    DraftSession, DraftSpeaker, EventSession, Person, Room, SessionStatus, SessionType, SpeakerRole,
)
from .. import audit
from ..errors import ValidationFailed
from .local_times import to_utc
from .people import link_person, person_ids
from .sessions import sync_speakers
from .topics import resolve as resolve_topics
from .topics import set_topics

FIELDS = ("title", "session_type", "status", "starts_at", "ends_at", "room_id", "description",
          "capacity", "requires_registration")


def ensure_working_copy(event):
    """Give every published session a draft to edit (first edit of an agenda loaded another way)."""
    drafted = sa.select(DraftSession.session_id).where(DraftSession.session_id.is_not(None))
    missing = db.session.scalars(
        sa.select(EventSession)
        .where(EventSession.event_id == event.id, EventSession.id.not_in(drafted))
        .options(so.selectinload(EventSession.speakers), so.selectinload(EventSession.tags))
    ).all()
    for item in missing:
        draft = DraftSession(event=event, session_id=item.id, uid=item.uid,
                             **{key: getattr(item, key) for key in FIELDS})
        draft.speakers = [DraftSpeaker(person_id=s.person_id, role=s.role, position=s.position) for s in item.speakers]
        draft.tags = list(item.tags)
        db.session.add(draft)
        for s in item.speakers:
            link_person(event, db.session.get(Person, s.person_id))
    if missing:
        db.session.flush()
    return len(missing)


def draft_sessions(event):
    """The working copy in agenda order, with rooms and speakers loaded."""
    ensure_working_copy(event)
    return db.session.scalars(
        sa.select(DraftSession)
        .where(DraftSession.event_id == event.id)
        .options(so.joinedload(DraftSession.room), so.selectinload(DraftSession.speakers).joinedload(DraftSpeaker.person),
                 so.selectinload(DraftSession.tags))
        .order_by(DraftSession.starts_at, DraftSession.id)
    ).unique().all()


def draft_or_404(event, draft_id):
    """A draft session of this event, or a 404."""
    draft = db.session.get(DraftSession, draft_id)
    if draft is None or draft.event_id != event.id:
        abort(404)
    return draft


def check_times(event, starts_local, ends_local):
    """UTC instants for a session's local start and end; it must end after it starts, within the event."""
    starts_at, ends_at = to_utc(starts_local, event.timezone), to_utc(ends_local, event.timezone)
    if ends_at <= starts_at:
        raise ValidationFailed(_("The session must end after it starts."))
    if starts_at < event.starts_at or ends_at > event.ends_at:
        zone = ZoneInfo(event.timezone)
        zone_start, zone_end = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
        raise ValidationFailed(
            _("The session must take place within the event's dates, %(start)s to %(end)s (%(zone)s time).",
              start=zone_start.strftime("%Y-%m-%d %H:%M"), end=zone_end.strftime("%Y-%m-%d %H:%M"), zone=zone_city(event))
        )
    return starts_at, ends_at


def check_room(event, room_id):
    if room_id in (None, 0, ""):
        return None
    room = db.session.get(Room, int(room_id))
    if room is None or room.event_id != event.id:
        raise ValidationFailed(_("Choose one of the event's rooms."))
    return room.id


def check_speakers(event, speakers):
    allowed, seen = person_ids(event), set()
    for person_id, role in speakers:
        if person_id not in allowed:
            raise ValidationFailed(_("Choose speakers from the event's people."))
        if person_id in seen:
            raise ValidationFailed(_("A person is listed twice among the speakers."))
        if role not in SpeakerRole.ALL:
            raise ValidationFailed(_("Choose a role for each speaker."))
        seen.add(person_id)
    return list(speakers)


def set_draft_speakers(draft, speakers):
    """Make the draft's speaker rows match [(person_id, role), ...], updating rows in place."""
    return sync_speakers(draft, speakers, DraftSpeaker)


def clean_values(event, values):
    """The draft fields from what a form or a file gave, checked; raises ValidationFailed."""
    title = (values.get("title") or "").strip()
    if not title or len(title) > 300:
        raise ValidationFailed(_("Give the session a title of at most 300 characters."))
    if values.get("session_type") not in SessionType.ALL:
        raise ValidationFailed(_("Choose the type of session."))
    status = values.get("status") or SessionStatus.SCHEDULED
    if status not in SessionStatus.ALL:
        raise ValidationFailed(_("The status must be scheduled or cancelled."))
    capacity = values.get("capacity")
    if capacity is not None and capacity < 1:
        raise ValidationFailed(_("The capacity must be at least 1, or empty for no limit."))
    starts_at, ends_at = check_times(event, values["starts_local"], values["ends_local"])
    return {
        "title": title,
        "session_type": values["session_type"],
        "status": status,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "room_id": check_room(event, values.get("room_id")),
        "description": (values.get("description") or "").replace("\r\n", "\n").strip(),
        "capacity": capacity,
        "requires_registration": bool(values.get("requires_registration")),
    }, check_speakers(event, values.get("speakers") or [])


def apply_values(draft, cleaned, speakers):
    """Set the fields that differ; returns their names."""
    changed = [key for key in FIELDS if getattr(draft, key) != cleaned[key]]
    for key in changed:
        setattr(draft, key, cleaned[key])
    if "room_id" in changed and draft.id is not None:
        db.session.expire(draft, ["room"])
    if set_draft_speakers(draft, speakers):
        changed.append("speakers")
    return changed


def save_draft(event, draft, values, actor):
    """Create (draft None) or edit a session of the working copy."""
    cleaned, speakers = clean_values(event, values)
    is_new = draft is None
    if is_new:
        draft = DraftSession(event=event)
        db.session.add(draft)
    changed = apply_values(draft, cleaned, speakers)
    if "topic_ids" in values or "new_topics" in values:
        tags = resolve_topics(event, values.get("topic_ids") or [], values.get("new_topics") or [])
        if set_topics(draft, tags):
            changed.append("topics")
    db.session.flush()
    if is_new:
        audit.record(actor, "session.create", event=event, target=draft.title)
    elif changed:
        audit.record(actor, "session.update", event=event, target=draft.title, details={"fields": changed})
    return draft


def move_draft(event, draft, starts_local, room_id, actor):
    """Move a session to another start time (keeping its length) and room."""
    length = draft.ends_at - draft.starts_at
    starts_at, ends_at = check_times(event, starts_local, starts_local + length)
    if ends_at - starts_at != length:  # the move crossed a clock change: keep the real length
        ends_at = starts_at + length
        if ends_at > event.ends_at:
            raise ValidationFailed(_("The session must take place within the event's dates."))
    before = (draft.starts_at, draft.room_id)
    draft.starts_at, draft.ends_at, draft.room_id = starts_at, ends_at, check_room(event, room_id)
    db.session.expire(draft, ["room"])
    if before != (draft.starts_at, draft.room_id):
        audit.record(actor, "session.move", event=event, target=draft.title)


def duplicate_draft(event, draft, actor):
    """A copy of a session, same time and speakers, new calendar identity, not yet published."""
    copy = DraftSession(event=event, **{key: getattr(draft, key) for key in FIELDS})
    copy.status = SessionStatus.SCHEDULED
    copy.speakers = [DraftSpeaker(person_id=s.person_id, role=s.role, position=s.position) for s in draft.speakers]
    copy.tags = list(draft.tags)
    db.session.add(copy)
    db.session.flush()
    audit.record(actor, "session.duplicate", event=event, target=draft.title)
    return copy


def delete_draft(event, draft, actor):
    """Delete a session that was never published; a published one must be cancelled instead."""
    if draft.session_id is not None:
        raise ValidationFailed(
            _("“%(title)s” has been published: cancel it instead, so that people who saved it see it is cancelled.", title=draft.title)
        )
    db.session.delete(draft)
    audit.record(actor, "session.delete", event=event, target=draft.title)


def set_cancelled(event, draft, cancelled, actor):
    """Cancel a session (it stays on the agenda, marked cancelled) or bring it back."""
    status = SessionStatus.CANCELLED if cancelled else SessionStatus.SCHEDULED
    if draft.status != status:
        draft.status = status
        audit.record(actor, "session.cancel" if cancelled else "session.restore", event=event, target=draft.title)


def discard_changes(event, actor):
    """Throw the working copy away and start again from the published agenda."""
    for draft in db.session.scalars(sa.select(DraftSession).where(DraftSession.event_id == event.id)):
        db.session.delete(draft)
    db.session.flush()
    ensure_working_copy(event)
    audit.record(actor, "agenda.discard", event=event, target=event.title)


@dataclass
class Clash:
    kind: str  #: "room" or "speaker"
    subject: str  #: the room's or the person's name
    first: DraftSession
    second: DraftSession

    def involves(self, draft):
        return draft.id in (self.first.id, self.second.id)


def clashes(drafts):
    """Two sessions in one room at once, or one speaker in two sessions at once (warnings, not errors)."""
    live = sorted((d for d in drafts if not d.is_cancelled), key=lambda d: (d.starts_at, d.id))
    found, running = [], []
    for draft in live:
        running = [r for r in running if r.ends_at > draft.starts_at]
        for other in running:
            if draft.room_id is not None and other.room_id == draft.room_id:
                found.append(Clash("room", draft.room.name, other, draft))
            shared = {s.person_id for s in other.speakers} & {s.person_id for s in draft.speakers}
            for speaker in draft.speakers:
                if speaker.person_id in shared:
                    found.append(Clash("speaker", speaker.person.name, other, draft))
        running.append(draft)
    return found


def clash_message(clash, tz):
    """The warning in words, times in the event's zone."""
    at = max(clash.first.starts_at, clash.second.starts_at).astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")
    if clash.kind == "room":
        return _("“%(a)s” and “%(b)s” are both in %(room)s at %(time)s.",
                 a=clash.first.title, b=clash.second.title, room=clash.subject, time=at)
    return _("%(person)s speaks in both “%(a)s” and “%(b)s” at %(time)s.",
             person=clash.subject, a=clash.first.title, b=clash.second.title, time=at)

