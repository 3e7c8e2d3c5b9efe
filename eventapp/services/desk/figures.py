"""Figures at a glance for the desk: counts, places left, and registrations per day as an SVG chart.

A handful of grouped queries, whatever the number of registrations. The chart is drawn here, on
the server, as plain SVG with a <title> and <desc>; the page shows the same figures as a table.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from ...formatting import format_day as format_date
from flask_babel import gettext as _
from markupsafe import Markup, escape

from ...extensions import db
from ...models import BookingState, ParticipationMode, Registration, RegistrationState, SessionBooking
from ..registration import capacity
from ..registration.availability import registration_sessions

#: Days shown at most in the chart (the most recent ones).
MAX_DAYS = 60


@dataclass
class SessionPlaces:
    session: object
    capacity: int | None
    confirmed: int
    waitlisted: int

    @property
    def left(self):
        return None if self.capacity is None else max(self.capacity - self.confirmed, 0)


@dataclass
class Figures:
    total: int
    by_state: dict
    by_group: list  #: (code, count), largest first
    by_country: list  #: (code, count), largest first
    by_mode: dict
    confirmed_by_mode: dict
    waitlisted_by_mode: dict
    places_left: dict  #: mode -> places left or None (no limit), for the modes the event offers
    sessions: list = field(default_factory=list)  #: SessionPlaces
    per_day: list = field(default_factory=list)  #: (date, count), every day from the first to the last


def _grouped(event, column):
    return dict(db.session.execute(
        sa.select(column, sa.func.count()).where(Registration.event_id == event.id).group_by(column)
    ).all())


def _by_mode_and_state(event):
    counts = Counter()
    for mode, state, number in db.session.execute(
        sa.select(Registration.mode, Registration.state, sa.func.count())
        .where(Registration.event_id == event.id).group_by(Registration.mode, Registration.state)
    ).all():
        counts[mode, state] = number
    return counts


def _active_grouped(event, column):
    return dict(db.session.execute(
        sa.select(column, sa.func.count())
        .where(Registration.event_id == event.id, Registration.state.in_(RegistrationState.ACTIVE))
        .group_by(column)
    ).all())


def per_day(event):
    """Registrations received per day in the event's time zone, with empty days as 0."""
    zone = ZoneInfo(event.timezone)
    created = db.session.scalars(sa.select(Registration.created_at).where(Registration.event_id == event.id))
    days = Counter(instant.astimezone(zone).date() for instant in created)
    if not days:
        return []
    first, last = min(days), max(days)
    first = max(first, last - timedelta(days=MAX_DAYS - 1))
    return [(first + timedelta(days=n), days.get(first + timedelta(days=n), 0))
            for n in range((last - first).days + 1)]


def session_places(event):
    sessions = registration_sessions(event)
    counts = Counter()
    if sessions:
        for session_id, state, number in db.session.execute(
            sa.select(SessionBooking.session_id, SessionBooking.state, sa.func.count())
            .where(SessionBooking.session_id.in_([s.id for s in sessions]))
            .group_by(SessionBooking.session_id, SessionBooking.state)
        ).all():
            counts[session_id, state] = number
    return [SessionPlaces(s, s.capacity, counts[s.id, BookingState.CONFIRMED], counts[s.id, BookingState.WAITLISTED])
            for s in sessions]


def figures(event):
    by_state = _grouped(event, Registration.state)
    by_mode_state = _by_mode_and_state(event)
    policy = event.registration_policy
    modes = ParticipationMode.ALL if policy is not None and policy.is_hybrid else (ParticipationMode.IN_PERSON,)
    return Figures(
        total=sum(by_state.values()),
        by_state={state: by_state.get(state, 0) for state in RegistrationState.ALL},
        by_group=sorted(_active_grouped(event, Registration.stakeholder_group).items(), key=lambda i: (-i[1], i[0])),
        by_country=sorted(_active_grouped(event, Registration.country_code).items(), key=lambda i: (-i[1], i[0])),
        by_mode={mode: n for mode in ParticipationMode.ALL
                 if (n := sum(by_mode_state[mode, s] for s in RegistrationState.ACTIVE))},
        confirmed_by_mode={mode: by_mode_state[mode, RegistrationState.CONFIRMED] for mode in ParticipationMode.ALL},
        waitlisted_by_mode={mode: by_mode_state[mode, RegistrationState.WAITLISTED] for mode in ParticipationMode.ALL},
        places_left={mode: capacity.places_left(policy, mode) for mode in modes} if policy is not None else {},
        sessions=session_places(event),
        per_day=per_day(event),
    )


def day_chart(days, *, width=640, height=200):
    """A bar chart of (date, count) as inline SVG, labelled for screen readers."""
    if not days:
        return Markup("")
    top = max(count for _day, count in days) or 1
    left, bottom, top_margin = 36, 28, 12
    plot_w, plot_h = width - left - 8, height - bottom - top_margin
    step = plot_w / len(days)
    bar = max(step * 0.8, 1)
    total = sum(count for _day, count in days)
    title = _("Registrations per day")
    desc = _("%(total)d registrations from %(first)s to %(last)s; the most in one day: %(most)d.",
             total=total, first=format_date(days[0][0], "medium"), last=format_date(days[-1][0], "medium"), most=top)
    parts = [
        f'<svg class="day-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="day-chart-title day-chart-desc" preserveAspectRatio="xMinYMin meet">',
        f'<title id="day-chart-title">{escape(title)}</title>',
        f'<desc id="day-chart-desc">{escape(desc)}</desc>',
        f'<line x1="{left}" y1="{top_margin + plot_h}" x2="{width - 8}" y2="{top_margin + plot_h}" stroke="currentColor"/>',
        f'<text x="{left - 4}" y="{top_margin + 4}" text-anchor="end" font-size="11" fill="currentColor">{top}</text>',
        f'<text x="{left - 4}" y="{top_margin + plot_h}" text-anchor="end" font-size="11" fill="currentColor">0</text>',
    ]
    for n, (day, count) in enumerate(days):
        h = plot_h * count / top
        x = left + n * step + (step - bar) / 2
        y = top_margin + plot_h - h
        label = escape(f"{format_date(day, 'medium')}: {count}")
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" class="bar">'
                     f'<title>{label}</title></rect>')
    label_every = max(len(days) // 6, 1)
    for n in range(0, len(days), label_every):
        x = left + n * step + step / 2
        parts.append(f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" font-size="11" fill="currentColor">'
                     f'{escape(format_date(days[n][0], "d MMM"))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
