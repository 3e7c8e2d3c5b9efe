"""Creating and editing events from the /manage pages: details, sections, tags, rooms, visibility."""
import re

import pycountry
import sqlalchemy as sa
from flask_babel import gettext as _

from ...extensions import db
from ...models import (
    DraftSession, Event, EventKind, EventSection, EventSession, EventStatus, Room, SessionStatus,
    TagScheme,
)
from ...taxonomy import GCM_OBJECTIVES, SDG_NAMES, gcm_label, sdg_label
from .. import audit
from ..demo import tag as tag_for
from ..errors import ValidationFailed
from .local_times import check_timezone, to_utc

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DETAIL_FIELDS = ("title", "slug", "kind", "starts_at", "ends_at", "timezone", "venue_name",
                 "venue_address", "city", "country_code", "summary")


def event_by_slug(slug):
    """The event with this slug, published or not, or None (organiser pages and commands)."""
    return db.session.scalar(sa.select(Event).where(Event.slug == slug))


def _check_details(event, values):
    """Checked, converted values: UTC instants, a free slug, a real zone and country."""
    slug = (values.get("slug") or "").strip().lower()
    if not SLUG_RE.match(slug) or len(slug) > 100:
        raise ValidationFailed(_("The web address name may use lower-case letters, digits and single hyphens only, e.g. idm-2025-geneva."))
    taken = db.session.scalar(sa.select(Event.id).where(Event.slug == slug, Event.id != (event.id if event else None)))
    if taken:
        raise ValidationFailed(_("Another event already uses the web address name “%(slug)s”.", slug=slug))
    if values.get("kind") not in EventKind.ALL:
        raise ValidationFailed(_("Choose the kind of event."))
    zone = check_timezone(values.get("timezone"))
    starts_at = to_utc(values["starts_local"], zone)
    ends_at = to_utc(values["ends_local"], zone)
    if ends_at <= starts_at:
        raise ValidationFailed(_("The event must end after it starts."))
    country = (values.get("country_code") or "").strip().upper()
    if country and pycountry.countries.get(alpha_2=country) is None:
        raise ValidationFailed(_("“%(code)s” is not a two-letter country code such as CH or MA.", code=country))
    return {
        "title": values["title"].strip(),
        "slug": slug,
        "kind": values["kind"],
        "starts_at": starts_at,
        "ends_at": ends_at,
        "timezone": zone.key,
        "venue_name": (values.get("venue_name") or "").strip(),
        "venue_address": (values.get("venue_address") or "").strip(),
        "city": (values.get("city") or "").strip(),
        "country_code": country,
        "summary": _text(values.get("summary")),
    }


def _text(value):
    return (value or "").replace("\r\n", "\n").strip()


def _check_sessions_fit(event, starts_at, ends_at):
    outside = db.session.scalars(
        sa.select(DraftSession).where(
            DraftSession.event_id == event.id,
            DraftSession.status != SessionStatus.CANCELLED,
            sa.or_(DraftSession.starts_at < starts_at, DraftSession.ends_at > ends_at),
        ).order_by(DraftSession.starts_at)
    ).all()
    if outside:
        raise ValidationFailed(
            _("%(num)d session(s) would fall outside the new dates, starting with “%(title)s”. Move them first.",
              num=len(outside), title=outside[0].title)
        )


def create_event(values, actor):
    """A new event, hidden from the public until published; an organiser creating it is named on it."""
    checked = _check_details(None, values)
    event = Event(status=EventStatus.DRAFT, **checked)
    db.session.add(event)
    if not actor.is_admin:
        actor.events.append(event)
    db.session.flush()
    audit.record(actor, "event.create", event=event, target=event.title)
    return event


def update_event(event, values, sections, sdg_codes, gcm_codes, actor):
    """Change what the event's public pages show; sessions already planned must still fit its dates."""
    checked = _check_details(event, values)
    _check_sessions_fit(event, checked["starts_at"], checked["ends_at"])
    changed = [key for key in DETAIL_FIELDS if getattr(event, key) != checked[key]]
    for key in changed:
        setattr(event, key, checked[key])
    if _set_sections(event, sections):
        changed.append("sections")
    if _set_tags(event, sdg_codes, gcm_codes):
        changed.append("tags")
    if changed:
        audit.record(actor, "event.update", event=event, target=event.title, details={"fields": changed})
    return changed


def _set_sections(event, sections):
    wanted = [(h.strip(), _text(b)) for h, b in sections if h.strip() or _text(b)]
    for heading, body in wanted:
        if not heading or not body:
            raise ValidationFailed(_("Each section needs both a heading and a text."))
    if [(s.heading, s.body) for s in event.sections] == wanted:
        return False
    for position, (heading, body) in enumerate(wanted):
        if position < len(event.sections):
            section = event.sections[position]
            section.heading, section.body, section.position = heading, body, position
        else:
            event.sections.append(EventSection(heading=heading, body=body, position=position))
    del event.sections[len(wanted):]
    return True


def _set_tags(event, sdg_codes, gcm_codes):
    wanted = [tag_for(TagScheme.SDG, c, sdg_label(c)) for c in sorted(set(sdg_codes), key=int) if c in SDG_NAMES]
    wanted += [tag_for(TagScheme.GCM, c, gcm_label(c)) for c in sorted(set(gcm_codes), key=int) if c in GCM_OBJECTIVES]
    others = [t for t in event.tags if t.scheme not in (TagScheme.SDG, TagScheme.GCM)]
    if {(t.scheme, t.code) for t in event.tags} == {(t.scheme, t.code) for t in wanted + others}:
        return False
    event.tags = others + wanted
    return True


def set_visibility(event, published, actor):
    """Show the event's pages to the public, or hide them again."""
    status = EventStatus.PUBLISHED if published else EventStatus.DRAFT
    if event.status == status:
        return False
    event.status = status
    audit.record(actor, "event.publish" if published else "event.unpublish", event=event, target=event.title)
    return True


def _room_id(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def save_rooms(event, rows, actor):
    """Rename, add, reorder and remove rooms; a room still used by a session cannot go."""
    rows = [(_room_id(room_id), name.strip()) for room_id, name in rows if name.strip() or room_id]
    names = [name for _id, name in rows if name]
    if len({n.casefold() for n in names}) != len(names):
        raise ValidationFailed(_("Two rooms have the same name."))
    by_id = {room.id: room for room in event.rooms}
    kept = {room_id for room_id, name in rows if name and room_id in by_id}
    for room in event.rooms:
        if room.id not in kept and _room_in_use(room):
            raise ValidationFailed(_("The room “%(name)s” is used by a session: move that session first.", name=room.name))
    before = [r.name for r in event.rooms]
    for room in event.rooms:  # free every name first, so that two rooms can swap names
        room.name = f"~renaming~{room.id}"
    db.session.flush()
    rooms = []
    for position, (room_id, name) in enumerate((i, n) for i, n in rows if n):
        room = by_id.get(room_id) or Room(event=event, name=name)
        room.name, room.position = name, position
        rooms.append(room)
    for room in by_id.values():
        if room not in rooms:
            event.rooms.remove(room)
            db.session.delete(room)
    event.rooms = rooms
    after = [r.name for r in rooms]
    if before != after:
        audit.record(actor, "rooms.update", event=event, target=event.title, details={"before": before, "after": after})
    return before != after


def _room_in_use(room):
    return db.session.scalar(
        sa.select(
            sa.exists().where(DraftSession.room_id == room.id)
            | sa.exists().where(EventSession.room_id == room.id)
        )
    )
