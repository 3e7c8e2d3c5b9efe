"""Choosing registrants by state, stakeholder group, session, way of taking part or a search.

The session and search conditions are the registrations desk's own (services/desk.py), so a word
finds the same people on the desk, in a message and on a badge sheet.

Used by messages to registrants and by the badge sheet; erased registrations are never chosen.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..numbers import parse_id
from ...extensions import db
from ...models import Registration, RegistrationState, SessionBooking
from .search import booked_on, search_condition

#: The "state" filter also takes this value: every registration still active.
ACTIVE = "active"


@dataclass
class Filters:
    state: str = ACTIVE  #: a RegistrationState, ACTIVE, or "" for all
    stakeholder_group: str = ""
    session_id: int | None = None  #: holds or waits for a place at this session
    mode: str = ""
    search: str = ""  #: part of a name, e-mail address, organisation or reference
    delegation_id: int | None = None  #: members of this delegation only

    @classmethod
    def from_dict(cls, data):
        session_id = data.get("session_id")
        return cls(
            state=data.get("state") if data.get("state") is not None else ACTIVE,
            stakeholder_group=data.get("stakeholder_group") or "",
            session_id=parse_id(session_id),
            mode=data.get("mode") or "",
            search=(data.get("search") or "").strip()[:100],
            delegation_id=parse_id(data.get("delegation_id")),
        )

    def to_dict(self):
        return asdict(self)


def query(event, filters: Filters):
    """The SELECT of the event's registrations that match, by last and first name."""
    q = sa.select(Registration).where(Registration.event_id == event.id, Registration.erased_at.is_(None))
    if filters.state == ACTIVE:
        q = q.where(Registration.state.in_(RegistrationState.ACTIVE))
    elif filters.state:
        q = q.where(Registration.state == filters.state)
    if filters.stakeholder_group:
        q = q.where(Registration.stakeholder_group == filters.stakeholder_group)
    if filters.mode:
        q = q.where(Registration.mode == filters.mode)
    if filters.session_id:
        q = q.where(booked_on(filters.session_id))
    if filters.search:
        q = q.where(search_condition(filters.search))
    if filters.delegation_id:
        q = q.where(Registration.delegation_id == filters.delegation_id)
    return q.order_by(Registration.last_name, Registration.first_name, Registration.id)


def select_registrants(event, filters: Filters, *, with_bookings=False):
    """The matching registrations, loaded for the page or the e-mails that use them."""
    q = query(event, filters)
    if with_bookings:
        q = q.options(so.selectinload(Registration.bookings).joinedload(SessionBooking.session))
    return db.session.scalars(q).all()


def count_registrants(event, filters: Filters):
    return db.session.scalar(sa.select(sa.func.count()).select_from(query(event, filters).order_by(None).subquery()))
