"""Loads the demo events (the Geneva IDM session and the Rabat M4SD board meeting) idempotently."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from .. import demo_data as d
from ..extensions import db
from ..models import (
    ApprovalMode,
    Event,
    EventKind,
    EventSection,
    EventSession,
    EventStatus,
    RegistrationPolicy,
    Tag,
    TagScheme,
)
from .awards.demo import load_awards
from .agenda.sessions import update_session
from ..taxonomy import sdg_label


def _local(day, hhmm, zone):
    hour, minute = map(int, hhmm.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def _set(obj, **values):
    """Assign only what differs, so a second run leaves rows (and their timestamps) untouched."""
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def _event(slug):
    event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
    if event is None:
        event = Event(slug=slug)
        db.session.add(event)
    return event


def _sections(event, sections):
    for position, (heading, body) in enumerate(sections):
        if position < len(event.sections):
            _set(event.sections[position], heading=heading, body=body, position=position)
        else:
            event.sections.append(EventSection(heading=heading, body=body, position=position))
    del event.sections[len(sections):]


def tag(scheme, code, label):
    """The tag with this scheme and code, created on first use."""
    found = db.session.scalar(sa.select(Tag).where(Tag.scheme == scheme, Tag.code == code))
    if found is None:
        found = Tag(scheme=scheme, code=code, label=label)
        db.session.add(found)
    return found


def load_idm(day=None):
    """The IDM session of 25 November 2024 at the CICG, moved to `day` (local times kept)."""
    day = day or date.fromisoformat(d.IDM_DATE)
    zone = ZoneInfo(d.IDM_TIMEZONE)
    event = _event(d.IDM_SLUG)
    programme = d.IDM_PROGRAMME
    _set(
        event,
        title="International Dialogue on Migration 2024: second session",
        kind=EventKind.IDM,
        status=EventStatus.PUBLISHED,
        starts_at=_local(day, programme[0][0], zone),
        ends_at=_local(day, programme[-1][1], zone),
        timezone=d.IDM_TIMEZONE,
        venue_name=d.IDM_VENUE,
        venue_address="Geneva, Switzerland",
        city="Geneva",
        country_code="CH",
        summary=d.IDM_SUMMARY,
        agenda_label=d.IDM_AGENDA_LABEL,
        agenda_is_final=False,
        is_demo=True,
    )
    _sections(
        event,
        [
            ("Background", "\n\n".join(d.IDM_BACKGROUND)),
            ("What is the aim of this session?", d.IDM_AIM),
            ("What are the expected outcomes of the session?", d.IDM_OUTCOMES),
        ],
    )
    existing = {s.title: s for s in event.sessions}
    for start, end, session_type, title, description in programme:
        item = existing.get(title)
        if item is None:
            item = EventSession(title=title)
            event.sessions.append(item)
        update_session(
            item,
            session_type=session_type,
            description=description,
            requires_registration=session_type == "ceremony",
            capacity=DEMO_CEREMONY_PLACES if session_type == "ceremony" else None,
            starts_at=_local(day, start, zone),
            ends_at=_local(day, end, zone),
        )
    _registration_policy(event)
    return event


#: Sample settings: the programme states no capacity, so the demo picks plausible numbers.
DEMO_IN_PERSON_PLACES = 300
DEMO_CEREMONY_PLACES = 120
DEMO_REGISTRATION_OPENS_BEFORE = timedelta(days=90)


def _registration_policy(event):
    """Sample registration settings: open for 90 days up to the start, hybrid, limited ceremony places."""
    policy = event.registration_policy
    if policy is None:
        policy = RegistrationPolicy(event=event)
        db.session.add(policy)
    _set(
        policy,
        opens_at=event.starts_at.astimezone(timezone.utc) - DEMO_REGISTRATION_OPENS_BEFORE,
        closes_at=None,
        in_person_capacity=DEMO_IN_PERSON_PLACES,
        online_capacity=None,
        is_hybrid=True,
        approval_mode=ApprovalMode.OPEN,
        changes_close_at=None,
        contact_email="idm-registration@example.org",
        reference_prefix="IDM24",
    )


def load_m4sd():
    """The Rabat board meeting of 13-14 June 2022: dates and place as the press release gives them."""
    zone = ZoneInfo(d.M4SD_TIMEZONE)
    event = _event(d.M4SD_SLUG)
    first = date.fromisoformat(d.M4SD_FIRST_DAY)
    last = date.fromisoformat(d.M4SD_LAST_DAY)
    _set(
        event,
        title=d.M4SD_TITLE,
        kind=EventKind.MEETING,
        status=EventStatus.PUBLISHED,
        starts_at=datetime.combine(first, time.min, tzinfo=zone),
        ends_at=datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone),
        timezone=d.M4SD_TIMEZONE,
        city=d.M4SD_CITY,
        venue_name="",
        venue_address=d.M4SD_CITY,
        country_code="MA",
        summary=d.M4SD_SUMMARY,
        is_demo=True,
    )
    _sections(event, d.M4SD_SECTIONS)
    wanted = [tag(TagScheme.SDG, n, sdg_label(n)) for n in d.M4SD_SDGS]
    if [t.code for t in event.tags] != list(d.M4SD_SDGS):
        event.tags = wanted
    return event


def load_demo(day=None):
    """Both demo events, the Geneva one with its awards programme; returns the Geneva one."""
    event = load_idm(day)
    db.session.flush()  # the ceremony session needs its id before the running order refers to it
    load_awards(event, day or date.fromisoformat(d.IDM_DATE))
    load_m4sd()
    db.session.flush()
    return event
