"""Public agenda queries: events, their timetable by day and room, filters, now and next."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort

from ...extensions import db
from ...models import Event, EventSession, EventStatus, Person, SessionSpeaker, Tag


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


def session_query(event):
    """Sessions of an event with what the agenda shows loaded up front (flat query count)."""
    return (
        sa.select(EventSession)
        .where(EventSession.event_id == event.id)
        .options(
            so.joinedload(EventSession.room),
            so.selectinload(EventSession.speakers).joinedload(SessionSpeaker.person),
            so.selectinload(EventSession.tags),
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
    def is_one_day_view(self):
        return self.day is not None


def _choose_day(days, asked, today):
    """The day to show: the one asked for, "all", else today during the event, else the first."""
    if len(days) < 2 or asked == "all":
        return None
    try:
        wanted = date.fromisoformat(asked) if asked else None
    except ValueError:
        wanted = None
    dates = [d.date for d in days]
    if wanted in dates:
        return wanted
    return today if today in dates else dates[0]


def build_agenda(event, filters=None, now=None, day=None):
    """The event's timetable by local day, filtered, with what runs now and next.

    A multi-day agenda shows one day (`day`: an ISO date, default today during the event, else
    the first day) unless `day` is "all".
    """
    filters = filters or AgendaFilters()
    now = now or datetime.now(timezone.utc)
    asked_day = day
    sessions = event_sessions(event)
    zone = ZoneInfo(event.timezone)

    types = sorted({s.session_type for s in sessions})
    tags = sorted({t.id: t for s in sessions for t in s.tags}.values(), key=lambda t: (t.scheme, t.code))

    shown = [s for s in sessions if filters.matches(s)]
    days = []
    for s in shown:
        local_day = s.starts_at.astimezone(zone).date()
        if not days or days[-1].date != local_day:
            days.append(Day(local_day, [], []))
        day = days[-1]
        if not day.slots or day.slots[-1].starts_at != s.starts_at:
            day.slots.append(Slot(s.starts_at, []))
        day.slots[-1].sessions.append(s)
        if s.room is not None and s.room not in day.rooms:
            day.rooms.append(s.room)
    for day in days:
        day.rooms.sort(key=lambda r: (r.position, r.name))
        for slot in day.slots:
            slot.sessions.sort(key=lambda s: (s.room.position if s.room else -1, s.id))

    live = [s for s in sessions if not s.is_cancelled]
    running = [s for s in live if s.starts_at <= now < s.ends_at]
    upcoming = [s for s in live if s.starts_at > now]
    following = [s for s in upcoming if s.starts_at == upcoming[0].starts_at] if upcoming else []
    if running or (following and event.starts_at <= now):
        current, nxt = running, following
    else:
        current, nxt = [], []
    today = now.astimezone(zone).date()
    chosen = _choose_day(days, asked_day, today)
    boundaries = [m for s in live for m in (s.starts_at, s.ends_at) if m > now]
    midnight = datetime.combine(today + timedelta(days=1), time(), tzinfo=zone)
    if chosen is not None and not asked_day and now < event.ends_at:
        boundaries.append(midnight)  # the default day moves to the next one at midnight
    return Agenda(
        event, [d for d in days if chosen is None or d.date == chosen], filters, types, tags, current, nxt,
        len(sessions), all_days=[d.date for d in days], day=chosen, matching=len(shown),
        changes_at=min(boundaries, default=None),
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
