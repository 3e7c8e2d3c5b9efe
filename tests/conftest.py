"""Fixtures: a new app and an empty database per test, on SQLite or on TEST_DATABASE_URL."""
import itertools
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import g
from flask.testing import FlaskClient

from config import TestingConfig, database_url
from eventapp import create_app
from eventapp.extensions import db
from eventapp.models import (
    AwardCategory,
    AwardEntry,
    AwardsProgramme,
    CeremonyItem,
    Event,
    EventSession,
    EventStatus,
    Person,
    Room,
    SessionSpeaker,
    Tag,
)


SQLITE_URL = "sqlite://"
PG_URL = database_url(name="TEST_DATABASE_URL")
DATABASES = {"sqlite": SQLITE_URL}
if PG_URL:
    DATABASES["postgresql"] = PG_URL


def pytest_configure(config):
    """With TEST_DATABASE_URL set, PostgreSQL must answer: stop the run rather than skip."""
    if PG_URL:
        engine = sa.create_engine(PG_URL)
        try:
            with engine.connect() as conn:
                conn.execute(sa.text("select 1"))
        except Exception as exc:  # noqa: BLE001 - any failure to connect stops the run
            pytest.exit(f"TEST_DATABASE_URL is set but PostgreSQL cannot be reached: {exc}", 3)
        finally:
            engine.dispose()


def pytest_collection_modifyitems(config, items):
    """Tests marked postgres run on PostgreSQL only; without TEST_DATABASE_URL they are skipped."""
    for item in items:
        if item.get_closest_marker("postgres") is None:
            continue
        db_name = getattr(item, "callspec", None) and item.callspec.params.get("database")
        if not PG_URL:
            item.add_marker(pytest.mark.skip(reason="needs TEST_DATABASE_URL (PostgreSQL)"))
        elif db_name != "postgresql":
            item.add_marker(pytest.mark.skip(reason="runs on PostgreSQL only"))


@pytest.fixture(params=list(DATABASES))
def database(request):
    """Every test that uses the app runs once per database: SQLite, and PostgreSQL when configured."""
    return request.param


@pytest.fixture
def app_config(database, request):
    """The test configuration; `@pytest.mark.parametrize("app_config", [{...}], indirect=True)` changes settings."""
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = DATABASES[database]

    for key, value in getattr(request, "param", {}).items():
        setattr(Config, key, value)
    return Config


class FreshRequestClient(FlaskClient):
    """A test client whose requests each start with an empty `g`, as in production.

    The `app` fixture keeps one application context open so that tests can use the database;
    Flask reuses that context for requests, so without this, per-request caches kept on `g`
    (the chosen language, the logged-in user) would leak from one request to the next.
    """

    def open(self, *args, **kwargs):
        g.__dict__.clear()
        return super().open(*args, **kwargs)


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    app.test_client_class = FreshRequestClient
    with app.app_context():
        db.drop_all()
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_counter = itertools.count(1)


def local(tz, *args):
    """An aware datetime from local wall-clock values in the zone `tz`."""
    return datetime(*args, tzinfo=ZoneInfo(tz))


@pytest.fixture
def make_event():
    def make(**fields):
        n = next(_counter)
        tz = fields.pop("timezone", "Europe/Zurich")
        start = fields.pop("starts_at", local(tz, 2030, 5, 6, 9, 0))
        values = dict(
            slug=f"event-{n}",
            title=f"Test event {n}",
            status=EventStatus.PUBLISHED,
            starts_at=start,
            ends_at=start + timedelta(hours=9),
            timezone=tz,
            venue_name="Test venue",
        )
        values.update(fields)
        event = Event(**values)
        db.session.add(event)
        db.session.commit()
        return event

    return make


@pytest.fixture
def make_session():
    def make(event, **fields):
        start = fields.pop("starts_at", event.starts_at)
        values = dict(
            title=f"Session {next(_counter)}",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            description="",
        )
        speakers = fields.pop("speakers", [])
        values.update(fields)
        item = EventSession(event=event, **values)
        for position, (person, role) in enumerate(speakers):
            item.speakers.append(SessionSpeaker(person=person, role=role, position=position))
        db.session.add(item)
        db.session.commit()
        return item

    return make


@pytest.fixture
def make_person():
    def make(**fields):
        n = next(_counter)
        values = dict(slug=f"person-{n}", name=f"Person {n}")
        values.update(fields)
        person = Person(**values)
        db.session.add(person)
        db.session.commit()
        return person

    return make


@pytest.fixture
def make_room():
    def make(event, name, position=0):
        room = Room(event=event, name=name, position=position)
        db.session.add(room)
        db.session.commit()
        return room

    return make


@pytest.fixture
def make_tag():
    def make(scheme, code, label):
        tag = Tag(scheme=scheme, code=code, label=label)
        db.session.add(tag)
        db.session.commit()
        return tag

    return make


@pytest.fixture
def make_programme(make_event):
    """An awards programme, published and under embargo unless told otherwise."""
    def make(event=None, **fields):
        event = event or make_event()
        values = dict(title=f"Impact Awards {next(_counter)}", introduction="", is_published=True)
        values.update(fields)
        programme = AwardsProgramme(event=event, **values)
        db.session.add(programme)
        db.session.commit()
        return programme

    return make


@pytest.fixture
def make_category():
    def make(programme, **fields):
        n = next(_counter)
        values = dict(slug=f"category-{n}", name=f"Category {n}", position=n)
        values.update(fields)
        category = AwardCategory(programme=programme, **values)
        db.session.add(category)
        db.session.commit()
        return category

    return make


@pytest.fixture
def make_entry():
    def make(category, **fields):
        values = dict(title=f"Initiative {next(_counter)}", status="finalist")
        values.update(fields)
        entry = AwardEntry(category=category, **values)
        db.session.add(entry)
        db.session.commit()
        return entry

    return make


@pytest.fixture
def make_ceremony_item():
    """A running-order item, as stored: no check that it lies inside its session."""
    def make(programme, session, **fields):
        start = fields.pop("starts_at", session.starts_at)
        values = dict(title=f"Item {next(_counter)}", kind="other", starts_at=start,
                      ends_at=start + timedelta(minutes=10))
        values.update(fields)
        item = CeremonyItem(programme=programme, session=session, **values)
        db.session.add(item)
        db.session.commit()
        return item

    return make


@pytest.fixture
def demo(app):
    """The demo data as seed-demo loads it, on its real date (25 November 2024)."""
    from eventapp.services.demo import load_demo

    event = load_demo()
    db.session.commit()
    return event


@pytest.fixture
def count_queries(app):
    """A context manager that counts the SQL statements run inside it."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        statements = []

        def before(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", before)

    return counting


PASSWORD = "correct horse battery staple"


@pytest.fixture
def make_user(app):
    """An account, optionally named on events; the password is PASSWORD unless given."""
    from eventapp.services.accounts import create_user

    def make(email=None, role="organiser", events=(), password=PASSWORD):
        user = create_user(email or f"user{next(_counter)}@example.org", password, role)
        user.events = list(events)
        db.session.commit()
        return user

    return make


@pytest.fixture
def login(client):
    """Sign in through the real form; returns the response (not followed)."""
    def sign_in(user, password=PASSWORD, next_url=None):
        url = "/manage/login" + (f"?next={next_url}" if next_url else "")
        return client.post(url, data={"email": user.email, "password": password})

    return sign_in


UTC = timezone.utc


@pytest.fixture
def make_policy(app):
    """Registration rules for an event: open since yesterday until the start, 10 in-person places."""

    def make(event, **fields):
        from eventapp.models import RegistrationPolicy

        values = dict(
            opens_at=datetime.now(UTC) - timedelta(days=1),
            in_person_capacity=10,
            contact_email="registration@example.org",
            reference_prefix="TEST",
        )
        values.update(fields)
        policy = RegistrationPolicy(event=event, **values)
        db.session.add(policy)
        db.session.commit()
        return policy

    return make


@pytest.fixture
def open_event(app, make_event, make_policy):
    """A published event in the future whose registration is open, with 10 places in person."""
    event = make_event(starts_at=datetime.now(UTC).replace(microsecond=0) + timedelta(days=30))
    make_policy(event)
    return event


class Inbox:
    """Messages an in-process SMTP server has accepted, parsed."""

    def __init__(self):
        import threading

        self.messages = []
        self.refuse = set()  #: addresses answered with "550 no such user"
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address):
        return [m for m in self.messages if m["To"] == address]

    def wait_for(self, count, timeout=10):
        """Wait (bounded) until at least `count` messages have arrived."""
        import time

        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


def free_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def smtp_controller(inbox, port):
    """An aiosmtpd server for `inbox` on 127.0.0.1:`port`, not started yet."""
    from aiosmtpd.controller import Controller

    return Controller(inbox, hostname="127.0.0.1", port=port)


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free loopback port; yields (controller, inbox)."""
    inbox = Inbox()
    controller = smtp_controller(inbox, free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


@pytest.fixture
def smtp(app, smtp_server):
    """The app sends through the in-process SMTP server; yields its inbox."""
    controller, inbox = smtp_server
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    return inbox


def register_data(**changes):
    """What a person fills in on the registration form."""
    data = dict(
        first_name="Amina",
        last_name="Diallo",
        email="amina@example.org",
        organisation="Ministry of Labour",
        job_title="Policy officer",
        stakeholder_group="member_state",
        country="SN",
        privacy_consent="y",
    )
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def text(response):
    """Visible text of a page, whitespace folded, entities decoded."""
    import html
    import re

    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.get_data(as_text=True), flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def outbox(recipient=None):
    """E-mails waiting in the outbox (or already delivered), oldest first."""
    from eventapp.models import OutboxMessage

    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if recipient:
        query = query.where(OutboxMessage.recipient == recipient)
    return db.session.scalars(query).all()


def manage_path(recipient):
    """The path of the manage link in the latest e-mail queued for the address."""
    import re

    for message in reversed(outbox(recipient)):
        found = re.search(r"https://events\.example\.org(/registrations/[A-Za-z0-9_-]{40,})", message.text_body)
        if found:
            return found.group(1)
    raise AssertionError(f"no manage link e-mailed to {recipient}")
@pytest.fixture
def organiser(make_user, login):
    """Sign in as an organiser named on the given event; returns the user."""
    def sign_in(event, role="organiser"):
        user = make_user(role=role, events=[event] if role == "organiser" else [])
        assert login(user).status_code == 302
        return user

    return sign_in


@pytest.fixture
def make_participant(app):
    """Register a person through the registration service (as the form does) and commit."""
    from eventapp.services.registration.register import register

    def make(event, locale="en", **fields):
        n = next(_counter)
        data = dict(first_name=f"First{n}", last_name=f"Last{n}", email=f"person{n}@example.org",
                    organisation=f"Organisation {n}", stakeholder_group="civil_society", country="CH")
        data.update(fields)
        registration = register(event, data, locale=locale).registration
        db.session.commit()
        return registration

    return make


# --- Registrations desk: registrations made directly, without the public form -----------------

def insert_registrations(event, count, *, start=0, **fields):
    """Insert `count` registrations in one statement (fast enough for thousands); returns nothing."""
    from eventapp.models import Registration

    now = datetime.now(UTC)
    groups = ("member_state", "civil_society", "un_system", "academia")
    countries = ("SN", "CH", "MX", "PH", "FR")
    rows = []
    for n in range(start, start + count):
        row = dict(
            event_id=event.id, reference=f"B{event.id}-{n:06d}", state="confirmed", mode="in_person",
            first_name=f"First{n}", last_name=f"Last{n:06d}", email=f"p{n}@example.org", email_key=f"p{n}@example.org",
            organisation=f"Organisation {n % 37}", job_title="", stakeholder_group=groups[n % len(groups)],
            country_code=countries[n % len(countries)], accessibility_needs="", dietary_requirements="",
            privacy_consent_at=now, listed_publicly=False, locale="en",
            created_at=now - timedelta(days=n % 10, minutes=n), updated_at=now,
        )
        row.update(fields)
        rows.append(row)
    db.session.execute(sa.insert(Registration), rows)
    db.session.commit()


@pytest.fixture
def make_registration(app):
    """A registration of the event, written directly (state confirmed unless told), with its history start."""
    from eventapp.models import Registration, RegistrationChange

    def make(event, **fields):
        n = next(_counter)
        email = fields.pop("email", f"person{n}@example.org")
        values = dict(
            reference=f"T{n:05d}", state="confirmed", mode="in_person", first_name=f"Given{n}", last_name=f"Family{n}",
            email=email, email_key=email.casefold(), organisation=f"Organisation {n}", stakeholder_group="civil_society",
            country_code="CH", privacy_consent_at=datetime.now(UTC),
        )
        values.update(fields)
        if values["state"] == "waitlisted" and "waitlisted_at" not in values:
            values["waitlisted_at"] = datetime.now(UTC) + timedelta(microseconds=n)
        registration = Registration(event=event, **values)
        registration.history.append(RegistrationChange(to_state=values["state"], reason="Registered", actor="participant"))
        db.session.add(registration)
        db.session.commit()
        return registration

    return make
