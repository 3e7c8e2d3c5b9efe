"""Delegations and individuals at once, through a real HTTP server on PostgreSQL: exactly the places there are."""
from collections import Counter

import pytest
import sqlalchemy as sa

from eventapp.extensions import db
from eventapp.models import Delegation, OutboxMessage, Registration, RegistrationPolicy
from eventapp.services.registration import capacity

from .conftest import register_data
from .test_delegations import delegation_form
from .test_registration_concurrency import all_at_once, by_state, count, fill, live_server, post  # noqa: F401

pytestmark = pytest.mark.postgres

#: 200 requests at once need more than the default pool of 5 + 10 connections; they still queue for the lock.
POOL = {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 30,
                                      "pool_timeout": 120}}


@pytest.mark.parametrize("app_config", [POOL], indirect=True)
def test_two_hundred_delegations_and_individuals_at_once_for_the_last_twenty_places(open_event, live_server):  # noqa: F811
    policy = db.session.scalar(sa.select(RegistrationPolicy))
    policy.in_person_capacity, policy.accepts_delegations = 25, True
    db.session.commit()
    fill(open_event, 5)  # 20 places left
    individual = f"/events/{open_event.slug}/register"
    group = f"/events/{open_event.slug}/register/delegation"
    calls = [lambda i=i: post(live_server, individual, register_data(email=f"p{i}@example.org")) for i in range(160)]
    calls += [
        lambda i=i: post(live_server, group, delegation_form(
            [(f"Member{j}", f"Of{i}", f"d{i}m{j}@example.org" if j != 1 else "") for j in range(3)],
            name=f"Mission {i}", focal_email=f"focal{i}@example.org"))
        for i in range(40)
    ]
    results = all_at_once(calls)
    assert Counter(status for status, _ in results) == {302: 200}

    # 5 early, 160 individuals and 40 × 3 members: of the 280 newcomers exactly 20 get the 20 places left.
    assert by_state(open_event) == {"confirmed": 25, "waitlisted": 260}
    assert count(sa.select(Registration.id).where(Registration.state == "confirmed",
                                                  Registration.email_key.not_like("early%"))) == 20
    assert count(sa.select(Delegation.id)) == 40
    assert count(sa.select(Registration.id).where(Registration.delegation_id.is_not(None))) == 120
    waiting = db.session.scalars(sa.select(Registration).where(Registration.state == "waitlisted")).all()
    assert sorted(capacity.waitlist_position(r) for r in waiting) == list(range(1, 261))
    # Within each delegation, places went in the order listed: never a later member ahead of an earlier one.
    for delegation in db.session.scalars(sa.select(Delegation)):
        states = [m.state for m in delegation.members]
        assert states == sorted(states, key=lambda s: s != "confirmed"), (delegation.name, states)
        positions = [capacity.waitlist_position(m) for m in delegation.members if m.state == "waitlisted"]
        assert positions == sorted(positions)
    # Nobody lost: an e-mail per individual, per member (to the focal point when no address), per delegation.
    assert count(sa.select(OutboxMessage.id).where(OutboxMessage.recipient.like("p%"))) == 160
    assert count(sa.select(OutboxMessage.id).where(OutboxMessage.recipient.like("focal%"))) == 80
    assert count(sa.select(OutboxMessage.id).where(OutboxMessage.recipient.like("d%m%"))) == 80
