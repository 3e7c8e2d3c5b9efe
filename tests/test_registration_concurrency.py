"""Many people at once, through a real HTTP server on PostgreSQL: no overbooking, nothing lost."""
import http.client
import threading
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from eventapp.extensions import db
from eventapp.models import (
    OutboxMessage,
    Registration,
    RegistrationChange,
    RegistrationPolicy,
    SessionBooking,
)
from eventapp.services.registration import capacity
from eventapp.services.registration import register as registrations

from .conftest import manage_path, register_data

pytestmark = pytest.mark.postgres

TIMEOUT = 60


@pytest.fixture
def live_server(app):
    """The app served by a threaded werkzeug server on a free loopback port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        thread.join(timeout=10)


def post(port, path, fields):
    """POST a form and return (status, Location) without following the redirect."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        body = urllib.parse.urlencode(fields, doseq=True)
        connection.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location")
    finally:
        connection.close()


def all_at_once(calls):
    """Run the callables in as many threads, released together; return their results."""
    barrier = threading.Barrier(len(calls), timeout=TIMEOUT)

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(run, call) for call in calls]
        return [f.result(timeout=TIMEOUT) for f in futures]


def count(query):
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))


def by_state(event):
    db.session.expire_all()
    return Counter(db.session.scalars(sa.select(Registration.state).where(Registration.event_id == event.id)))


def fill(event, n, **changes):
    for i in range(n):
        registrations.register(event, dict(register_data(email=f"early{i}@example.org"), sessions=[], **changes))
        db.session.commit()


def test_sixty_people_at_once_for_the_last_ten_places(open_event, live_server):
    policy = db.session.scalar(sa.select(RegistrationPolicy))
    policy.in_person_capacity = 15
    db.session.commit()
    fill(open_event, 5)  # 10 places left
    path = f"/events/{open_event.slug}/register"
    calls = [lambda i=i: post(live_server, path, register_data(email=f"p{i}@example.org")) for i in range(60)]
    results = all_at_once(calls)
    assert Counter(status for status, _ in results) == {302: 60}
    assert {location for _, location in results} == {f"{path}/received"}
    assert by_state(open_event) == {"confirmed": 15, "waitlisted": 50}
    # Nobody lost: each of the sixty has a registration and its e-mail in the outbox.
    assert count(sa.select(Registration.id).where(Registration.email_key.like("p%"))) == 60
    assert count(sa.select(OutboxMessage.id).where(OutboxMessage.recipient.like("p%"))) == 60
    waiting = db.session.scalars(sa.select(Registration).where(Registration.state == "waitlisted")).all()
    assert sorted(capacity.waitlist_position(r) for r in waiting) == list(range(1, 51))


def test_sixty_people_at_once_for_a_session_with_ten_places(open_event, make_session, live_server):
    db.session.scalar(sa.select(RegistrationPolicy)).in_person_capacity = None
    db.session.commit()
    gala = make_session(open_event, title="Gala", requires_registration=True, capacity=10)
    path, gala_id = f"/events/{open_event.slug}/register", str(gala.id)
    calls = [
        lambda i=i: post(live_server, path, register_data(email=f"p{i}@example.org", sessions=[gala_id]))
        for i in range(60)
    ]
    assert Counter(status for status, _ in all_at_once(calls)) == {302: 60}
    assert by_state(open_event) == {"confirmed": 60}
    db.session.expire_all()
    bookings = Counter(db.session.scalars(sa.select(SessionBooking.state).where(SessionBooking.session_id == gala.id)))
    assert bookings == {"confirmed": 10, "waitlisted": 50}


def test_the_same_form_sent_ten_times_at_once_registers_once(open_event, live_server):
    path = f"/events/{open_event.slug}/register"
    results = all_at_once([lambda: post(live_server, path, register_data()) for _ in range(10)])
    assert Counter(status for status, _ in results) == {302: 10}
    assert count(sa.select(Registration.id)) == 1
    assert count(sa.select(OutboxMessage.id)) == 1  # the confirmation; no reminders seconds later


def test_cancellations_and_a_capacity_rise_at_once_never_give_a_place_twice(app, open_event, live_server):
    fill(open_event, 30)  # 10 confirmed, 20 waiting
    first_in_line = db.session.scalars(
        sa.select(Registration.id).where(Registration.state == "waitlisted")
        .order_by(Registration.waitlisted_at, Registration.id)
    ).all()
    confirmed = db.session.scalars(sa.select(Registration.email).where(Registration.state == "confirmed")).all()
    paths = [manage_path(address) + "/cancel" for address in confirmed]

    def raise_capacity():
        with app.app_context():
            event = db.session.get(type(open_event), open_event.id)
            capacity.change_capacity(event, in_person=13)
            db.session.commit()
            db.session.remove()
        return (200, None)

    calls = [lambda p=p: post(live_server, p, {}) for p in paths] + [raise_capacity]
    results = all_at_once(calls)
    assert all(status in (200, 302) for status, _ in results)
    assert by_state(open_event) == {"cancelled": 10, "confirmed": 13, "waitlisted": 7}
    promoted = db.session.scalars(
        sa.select(Registration.id).where(Registration.state == "confirmed").order_by(Registration.id)
    ).all()
    assert promoted == sorted(first_in_line[:13])  # the first thirteen in line, no one else
    promotions = Counter(db.session.scalars(
        sa.select(RegistrationChange.registration_id).where(
            RegistrationChange.from_state == "waitlisted", RegistrationChange.to_state == "confirmed")
    ))
    assert set(promotions.values()) == {1} and len(promotions) == 13
    assert count(sa.select(OutboxMessage.id).where(OutboxMessage.kind == "promoted")) == 13
