"""The published agenda as plain data, for the JSON API and the frab schedule exports.

Only what the public pages show leaves here: published events and their published sessions,
speakers' public details, the revision history without who published it, and awards entries through
the awards embargo (`awards.programme.public_entries`). No registration, e-mail address or online
link is read by this module.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ...extensions import db
from ...i18n import SESSION_TYPE_LABELS, SPEAKER_ROLE_LABELS
from ...models import AgendaRevision, Event, EventSession, EventStatus, SessionType
from ...urls import url_builder
from ..errors import ValidationFailed
from . import pages
from .changes import readable

MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 50


def local_iso(instant, zone):
    """An instant as RFC 3339 with the event's UTC offset, e.g. 2024-11-25T09:00:00+01:00."""
    return instant.astimezone(zone).isoformat(timespec="seconds")


@dataclass
class Page:
    """Which slice of a list to return."""

    number: int = 1
    size: int = DEFAULT_PER_PAGE

    @classmethod
    def from_args(cls, args):
        return cls(_int_arg(args, "page", 1, 1, 100_000), _int_arg(args, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE))

    def slice(self, items):
        start = (self.number - 1) * self.size
        return items[start:start + self.size]

    def meta(self, total):
        return {"page": self.number, "per_page": self.size, "total": total,
                "pages": max(1, math.ceil(total / self.size))}


def _int_arg(args, name, default, low, high):
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise ValidationFailed(f"'{name}' must be a whole number from {low} to {high}.")
    return int(raw)


@dataclass
class SessionFilters:
    """The agenda page's filters: session types, topics (tag slugs) and one local day."""

    types: list
    topics: list
    day: date | None

    @classmethod
    def from_args(cls, args):
        types = [t for t in args.getlist("type") if t]
        unknown = [t for t in types if t not in SessionType.ALL]
        if unknown:
            raise ValidationFailed("Unknown session type: 'type' takes one of " + ", ".join(SessionType.ALL) + ".")
        raw_day = args.get("day")
        day = None
        if raw_day:
            try:
                day = date.fromisoformat(raw_day) if raw_day.isascii() and len(raw_day) == 10 else None
            except ValueError:
                day = None
            if day is None:
                raise ValidationFailed("'day' must be a date written YYYY-MM-DD.")
        return cls(types, [t for t in args.getlist("topic") if t], day)

    def matches(self, session, zone):
        if self.types and session.session_type not in self.types:
            return False
        if self.topics and not {t.slug for t in session.tags} & set(self.topics):
            return False
        if self.day and session.starts_at.astimezone(zone).date() != self.day:
            return False
        return True


def public_events(when, page):
    """Published events, upcoming (or running) and past, as summaries; `when`: upcoming, past or all."""
    if when not in ("upcoming", "past", "all"):
        raise ValidationFailed("'when' takes upcoming, past or all.")
    upcoming, past = pages.list_public_events()
    chosen = {"upcoming": upcoming, "past": past, "all": upcoming + past}[when]
    build = url_builder()
    return {"events": [event_summary(e, build) for e in page.slice(chosen)], "pagination": page.meta(len(chosen))}


def latest_revision(event):
    return db.session.scalar(
        sa.select(AgendaRevision).where(AgendaRevision.event_id == event.id)
        .order_by(AgendaRevision.number.desc()).limit(1)
    )


def _tag(tag):
    return {"slug": tag.slug, "scheme": tag.scheme, "code": tag.code, "label": tag.label}


def event_links(event, build):
    return {
        "html": build("agenda.event", slug=event.slug),
        "agenda": build("agenda.agenda_page", slug=event.slug),
        "calendar": build("calendars.event_feed", slug=event.slug),
        "api": build("api.event", slug=event.slug),
        "sessions": build("api.sessions", slug=event.slug),
        "schedule_xml": build("calendars.schedule_xml", slug=event.slug),
        "schedule_json": build("calendars.schedule_json", slug=event.slug),
    }


def event_summary(event, build):
    zone = ZoneInfo(event.timezone)
    return {
        "id": event.id,
        "slug": event.slug,
        "title": event.title,
        "kind": event.kind,
        "starts_at": local_iso(event.starts_at, zone),
        "ends_at": local_iso(event.ends_at, zone),
        "timezone": event.timezone,
        "venue": {"name": event.venue_name, "address": event.venue_address, "city": event.city,
                  "country_code": event.country_code or None},
        "agenda_label": event.agenda_label or None,
        "links": event_links(event, build),
    }


def event_detail(event):
    """One event with its overview, tags, rooms and latest agenda revision."""
    build = url_builder()
    revision = latest_revision(event)
    data = event_summary(event, build)
    data.update(
        summary=event.summary,
        sections=[{"heading": s.heading, "body": s.body} for s in event.sections],
        tags=[_tag(t) for t in event.tags],
        rooms=[{"id": r.id, "name": r.name} for r in event.rooms],
        revision=None if revision is None else {
            "number": revision.number, "label": revision.label, "is_final": revision.is_final,
            "published_at": local_iso(revision.published_at, ZoneInfo(event.timezone)),
        },
        has_awards=bool(event.awards_programme and event.awards_programme.is_published),
    )
    return data


def session_data(session, event, zone, build):
    return {
        "id": session.id,
        "uid": session.uid,
        "title": session.title,
        "type": session.session_type,
        "type_label": str(SESSION_TYPE_LABELS.get(session.session_type, session.session_type)),
        "status": session.status,
        "starts_at": local_iso(session.starts_at, zone),
        "ends_at": local_iso(session.ends_at, zone),
        "day": session.starts_at.astimezone(zone).date().isoformat(),
        "duration_minutes": int((session.ends_at - session.starts_at).total_seconds() // 60),
        "timezone": event.timezone,
        "room": None if session.room is None else {"id": session.room.id, "name": session.room.name},
        "description": session.description,
        "topics": [_tag(t) for t in session.tags],
        "speakers": [speaker_data(s) for s in session.speakers],
        "links": {
            "html": build("agenda.session", slug=event.slug, session_id=session.id),
            "calendar": build("calendars.session_download", slug=event.slug, session_id=session.id),
            "api": build("api.session", slug=event.slug, session_id=session.id),
        },
    }


def speaker_data(appearance):
    person = appearance.person
    return {"slug": person.slug, "name": person.name, "role": appearance.role,
            "role_label": str(SPEAKER_ROLE_LABELS.get(appearance.role, appearance.role)),
            "affiliation": person.affiliation, "position_title": person.position_title}


def event_sessions(event, filters, page):
    """The published agenda, filtered like the agenda page, one page of sessions in time order."""
    zone = ZoneInfo(event.timezone)
    sessions = [s for s in pages.event_sessions(event) if filters.matches(s, zone)]
    build = url_builder()
    return {"event": event.slug, "timezone": event.timezone,
            "sessions": [session_data(s, event, zone, build) for s in page.slice(sessions)],
            "pagination": page.meta(len(sessions))}


def one_session(event, session):
    return session_data(session, event, ZoneInfo(event.timezone), url_builder())


def speakers(event):
    """Everyone speaking at the event, with the ids of their sessions and their roles."""
    build = url_builder()
    return {"event": event.slug, "speakers": [
        {"slug": p.slug, "name": p.name, "affiliation": p.affiliation, "position_title": p.position_title,
         "bio": p.bio, "html": build("agenda.speaker", slug=event.slug, person_slug=p.slug),
         "sessions": [{"id": a.session_id, "role": a.role} for a in sorted(appearances, key=lambda a: a.session.starts_at)]}
        for p, appearances in pages.event_speakers(event)
    ]}


def _shown(shown, zone):
    if shown is None:
        return None
    return {"title": shown.title, "starts_at": local_iso(shown.starts_at, zone), "ends_at": local_iso(shown.ends_at, zone),
            "room": shown.room or None, "speakers": [{"name": n, "role": r} for n, r in shown.speakers]}


def changes(event):
    """Published revisions, newest first, each with what changed (never who published it)."""
    zone = ZoneInfo(event.timezone)
    revisions = db.session.scalars(
        sa.select(AgendaRevision).where(AgendaRevision.event_id == event.id).order_by(AgendaRevision.number.desc())
    ).all()
    return {"event": event.slug, "revisions": [
        {"number": r.number, "label": r.label, "is_final": r.is_final,
         "published_at": local_iso(r.published_at, zone),
         "changes": [{"kinds": list(c.kinds), "session_id": c.session_id,
                      "before": _shown(c.before, zone), "after": _shown(c.after, zone)} for c in readable(r.changes)]}
        for r in revisions
    ]}


def last_modified(event):
    """The newest change among what an event's data shows (event, sessions, revisions).

    max() keeps its column's type, so the UTC column type returns aware datetimes here too.
    """
    newest = db.session.scalar(sa.select(sa.func.max(EventSession.updated_at)).where(EventSession.event_id == event.id))
    revision = db.session.scalar(
        sa.select(sa.func.max(AgendaRevision.published_at)).where(AgendaRevision.event_id == event.id))
    return max([event.updated_at] + [v for v in (newest, revision) if v is not None])


def published_events_changed_at():
    """The newest change among published events, for the events list's Last-Modified."""
    return db.session.scalar(sa.select(sa.func.max(Event.updated_at)).where(Event.status == EventStatus.PUBLISHED))
