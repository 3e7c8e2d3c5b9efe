"""Fixtures: a new app and an empty database per test, on SQLite or on TEST_DATABASE_URL."""
import itertools
import os
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from config import TestingConfig, database_url
from eventapp import create_app
from eventapp.extensions import db
from eventapp.models import (
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


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
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


def text(response):
    """Visible text of a page, whitespace folded, entities for & and quotes decoded."""
    import html as html_module
    import re

    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.get_data(as_text=True), flags=re.S)
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


@pytest.fixture
def organiser(make_user, login):
    """Sign in as an organiser named on the given event; returns the user."""
    def sign_in(event, role="organiser"):
        user = make_user(role=role, events=[event] if role == "organiser" else [])
        assert login(user).status_code == 302
        return user

    return sign_in
