"""Public agenda queries: events, their timetable by day and room, filters, now and next."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort

from ...extensions import db
from sqlalchemy.orm.attributes import set_committed_value

from ...models import (
    Document, DocumentAccess, Event, EventSession, EventStatus, Person, SessionSpeaker, SessionStatus, Tag, session_tags,
)


def published_event_or_404(slug, *, with_tags=False):
    """The published event with this slug, or a 404 (drafts do not exist for the public)."""
    query = (
        sa.select(Event)
        .where(Event.slug == slug, Event.status == EventStatus.PUBLISHED)
        .options(so.joinedload(Event.registration_policy))  # the register button needs it
    )
    if with_tags:
        query = query.options(so.selectinload(Event.tags), so.selectinload(Event.sections))
    event = db.session.scalar(query)
    if event is None:
        abort(404)
    return event


def list_public_events(now=None):
    """Published events split into (upcoming or running, past), the nearest first."""
    now = now or datetime.now(timezone.utc)
    events = db.session.scalars(
        sa.select(Event).where(Event.status == EventStatus.PUBLISHED).order_by(Event.starts_at)
    ).all()
    upcoming = [e for e in events if e.ends_at >= now]
    past = sorted((e for e in events if e.ends_at < now), key=lambda e: e.starts_at, reverse=True)
    return upcoming, past


def _has_public_documents():
    """In the sessions' own query (no extra query per page): does the session have a public document?"""
    return (
        sa.select(Document.id)
        .where(Document.session_id == EventSession.id, Document.access == DocumentAccess.PUBLIC)
        .exists()
    )


def session_query(event):
    """Sessions of an event with what the agenda shows loaded up front (flat query count)."""
    return (
        sa.select(EventSession)
        .where(EventSession.event_id == event.id)
        .options(
            so.joinedload(EventSession.room),
            so.selectinload(EventSession.speakers).joinedload(SessionSpeaker.person),
            so.selectinload(EventSession.tags),
            so.with_expression(EventSession.has_documents, _has_public_documents()),
        )
        .order_by(EventSession.starts_at, EventSession.id)
    )


def event_sessions(event):
    return db.session.scalars(session_query(event)).unique().all()


def session_or_404(event, session_id):
    """One session of the event, with its speakers and tags, or a 404."""
    session = db.session.scalar(
        session_query(event).where(EventSession.id == session_id)
    )
    if session is None:
        abort(404)
    return session


@dataclass
class AgendaFilters:
    types: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)  #: tag slugs such as "sdg-17"

    @classmethod
    def from_args(cls, args):
        return cls(
            types=[t for t in args.getlist("type") if t],
            tags=[t for t in args.getlist("tag") if t],
        )

    @property
    def active(self):
        return bool(self.types or self.tags)

    def matches(self, session):
        if self.types and session.session_type not in self.types:
            return False
        if self.tags and not {t.slug for t in session.tags} & set(self.tags):
            return False
        return True

    def as_args(self):
        return {"type": self.types, "tag": self.tags}


@dataclass
class Slot:
    """Sessions that start at the same time, laid side by side by room."""

    starts_at: datetime
    sessions: list[EventSession]


@dataclass
class Day:
    date: date
    rooms: list  #: the rooms used that day, in the event's room order
    slots: list[Slot]

    @property
    def is_parallel(self):
        return len(self.rooms) > 1


@dataclass
class Agenda:
    event: Event
    days: list[Day]
    filters: AgendaFilters
    types: list[str]  #: session types present, for the filter
    tags: list[Tag]  #: tags present, for the filter
    now: list[EventSession]
    next: list[EventSession]
    total: int
    all_days: list[date] = field(default_factory=list)  #: every day with a matching session
    day: date | None = None  #: the one day shown, or None for every day
    matching: int = 0  #: sessions the filters let through, on every day
    changes_at: datetime | None = None  #: when "now", "next" or the default day move next

    @property
    def shown(self):
        return self.matching

    @property
    def is_compact(self):
        """Every day of a long agenda: one line per session, so the page stays light."""
        return self.day is None and len(self.all_days) > 1 and self.matching > COMPACT_FROM


#: Past this many sessions, "all days" lists sessions in one line each (details on each day's page).
COMPACT_FROM = 60


def _choose_day(dates, asked, today):
    """The day to show: the one asked for, "all", else today during the event, else the first."""
    if len(dates) < 2 or asked == "all":
        return None
    try:
        wanted = date.fromisoformat(asked) if asked else None
    except ValueError:
        wanted = None
    if wanted in dates:
        return wanted
    return today if today in dates else dates[0]


@dataclass
class Outline:
    """What the agenda needs of every session to filter, count and place it, without its details."""

    id: int
    starts_at: datetime
    ends_at: datetime
    session_type: str
    status: str
    tags: list = field(default_factory=list)

    @property
    def is_cancelled(self):
        return self.status == SessionStatus.CANCELLED


def session_outlines(event):
    """Every session of the event in outline, with its tags, in one query."""
    rows = db.session.execute(
        sa.select(
            EventSession.id, EventSession.starts_at, EventSession.ends_at, EventSession.session_type,
            EventSession.status, Tag,
        )
        .outerjoin(session_tags, session_tags.c.session_id == EventSession.id)
        .outerjoin(Tag, Tag.id == session_tags.c.tag_id)
        .where(EventSession.event_id == event.id)
        .order_by(EventSession.starts_at, EventSession.id, Tag.id)
    ).all()
    outlines = {}
    for session_id, starts_at, ends_at, session_type, status, tag in rows:
        outline = outlines.get(session_id)
        if outline is None:
            outline = outlines[session_id] = Outline(session_id, starts_at, ends_at, session_type, status)
        if tag is not None:
            outline.tags.append(tag)
    return list(outlines.values())


def _load_details(event, outlines, every):
    """The sessions with their room and speakers; their tags come from the outlines (no query)."""
    query = (
        sa.select(EventSession)
        .where(EventSession.event_id == event.id)
        .options(
            so.joinedload(EventSession.room),
            so.selectinload(EventSession.speakers).joinedload(SessionSpeaker.person),
            so.lazyload(EventSession.tags),
        )
        .order_by(EventSession.starts_at, EventSession.id)
    )
    if not every:
        query = query.where(EventSession.id.in_([o.id for o in outlines]))
    items = db.session.scalars(query).unique().all()
    tags = {o.id: o.tags for o in outlines}
    for item in items:
        if item.id in tags:
            set_committed_value(item, "tags", tags[item.id])
    return {item.id: item for item in items}


def build_agenda(event, filters=None, now=None, day=None):
    """The event's timetable by local day, filtered, with what runs now and next.

    A multi-day agenda shows one day (`day`: an ISO date, default today during the event, else
    the first day) unless `day` is "all". Only the sessions shown are loaded in full.
    """
    filters = filters or AgendaFilters()
    now = now or datetime.now(timezone.utc)
    outlines = session_outlines(event)
    zone = ZoneInfo(event.timezone)

    types = sorted({s.session_type for s in outlines})
    tags = sorted({t.id: t for s in outlines for t in s.tags}.values(), key=lambda t: (t.scheme, t.code))
    shown = [s for s in outlines if filters.matches(s)]
    local_day = {s.id: s.starts_at.astimezone(zone).date() for s in outlines}
    dates = sorted({local_day[s.id] for s in shown})
    today = now.astimezone(zone).date()
    chosen = _choose_day(dates, day, today)

    live = [s for s in outlines if not s.is_cancelled]
    running = [s for s in live if s.starts_at <= now < s.ends_at]
    upcoming = [s for s in live if s.starts_at > now]
    following = [s for s in upcoming if s.starts_at == upcoming[0].starts_at] if upcoming else []
    if not (running or (following and event.starts_at <= now)):
        running, following = [], []
    wanted = [s for s in shown if chosen is None or local_day[s.id] == chosen]
    wanted_ids = {s.id for s in wanted}
    details = _load_details(
        event, wanted + [s for s in running + following if s.id not in wanted_ids], every=len(wanted) == len(outlines)
    )

    days = []
    for outline in wanted:
        s = details[outline.id]
        if not days or days[-1].date != local_day[s.id]:
            days.append(Day(local_day[s.id], [], []))
        current_day = days[-1]
        if not current_day.slots or current_day.slots[-1].starts_at != s.starts_at:
            current_day.slots.append(Slot(s.starts_at, []))
        current_day.slots[-1].sessions.append(s)
        if s.room is not None and s.room not in current_day.rooms:
            current_day.rooms.append(s.room)
    for current_day in days:
        current_day.rooms.sort(key=lambda r: (r.position, r.name))
        for slot in current_day.slots:
            slot.sessions.sort(key=lambda s: (s.room.position if s.room else -1, s.id))

    boundaries = [m for s in live for m in (s.starts_at, s.ends_at) if m > now]
    midnight = datetime.combine(today + timedelta(days=1), time(), tzinfo=zone)
    if chosen is not None and not day and now < event.ends_at:
        boundaries.append(midnight)  # the default day moves to the next one at midnight
    return Agenda(
        event, days, filters, types, tags, [details[s.id] for s in running], [details[s.id] for s in following],
        len(outlines), all_days=dates, day=chosen, matching=len(shown), changes_at=min(boundaries, default=None),
    )


def room_column(day, session):
    """1-based grid column of a session in its day, or None when it spans every room."""
    if session.room is None or not day.is_parallel:
        return None
    return day.rooms.index(session.room) + 1


def event_speakers(event):
    """People speaking at the event, by name, each with their sessions (one query each level)."""
    people = db.session.scalars(
        sa.select(Person)
        .join(SessionSpeaker, SessionSpeaker.person_id == Person.id)
        .join(EventSession, EventSession.id == SessionSpeaker.session_id)
        .where(EventSession.event_id == event.id)
        .options(so.selectinload(Person.appearances).joinedload(SessionSpeaker.session))
        .distinct()
        .order_by(Person.name)
    ).unique().all()
    return [
        (p, [a for a in p.appearances if a.session.event_id == event.id]) for p in people
    ]


def speaker_or_404(event, person_slug):
    for person, appearances in event_speakers(event):
        if person.slug == person_slug:
            return person, sorted(appearances, key=lambda a: a.session.starts_at)
    abort(404)
