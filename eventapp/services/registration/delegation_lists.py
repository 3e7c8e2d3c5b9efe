"""The desk's lists of an event's delegations: for its filter, with members counted, and one of them."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ...extensions import db
from ...models import Delegation, Registration


@dataclass
class DelegationRow:
    delegation: Delegation
    counts: dict  #: registration state -> number of members


def delegations_of(event):
    """The event's delegations by name (one query), e.g. for the desk's filter."""
    return db.session.scalars(
        sa.select(Delegation).where(Delegation.event_id == event.id).order_by(Delegation.name, Delegation.id)
    ).all()


def event_delegations(event):
    """The event's delegations with their members counted by state: two queries, whatever the number."""
    found = delegations_of(event)
    counts = {}
    for delegation_id, state, number in db.session.execute(
        sa.select(Registration.delegation_id, Registration.state, sa.func.count())
        .where(Registration.event_id == event.id, Registration.delegation_id.is_not(None))
        .group_by(Registration.delegation_id, Registration.state)
    ):
        counts.setdefault(delegation_id, {})[state] = number
    return [DelegationRow(d, counts.get(d.id, {})) for d in found]


def event_delegation(event, delegation_id):
    """One delegation of the event with its members, or None."""
    delegation = db.session.get(Delegation, delegation_id)
    return delegation if delegation is not None and delegation.event_id == event.id else None
