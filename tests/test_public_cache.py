"""Public pages and feeds from the cache: every change reaches the next response, nothing personal is kept.

Each test runs on SQLite and PostgreSQL (TEST_DATABASE_URL) with the cache in process memory and in
Redis (db 8, a key prefix of its own that is cleared afterwards).
"""
import gzip
import re
import time
import uuid
from datetime import datetime, timedelta, timezone

import brotli
import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from config import TestingConfig
from eventapp.caching import store
from eventapp.extensions import db
from eventapp.models import Event, PublicVersion, Registration

from .conftest import DATABASES, register_data, text

UTC = timezone.utc
REDIS_URL = "redis://127.0.0.1:6379/8"


@pytest.fixture(params=["memory", "redis"])
def app_config(database, request):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = DATABASES[database]

    if request.param == "redis":
        Config.CACHE_REDIS_URL = REDIS_URL
        Config.CACHE_KEY_PREFIX = f"eventapp-test-{uuid.uuid4().hex}:"
    return Config


@pytest.fixture(autouse=True)
def own_keys_cleared(app):
    yield
    store().clear()  # memory, or only this test's prefix in Redis


@pytest.fixture
def count_all_queries(count_queries):
    """SQL statements on the application's engine and on the one that reads versions (PostgreSQL)."""
    from contextlib import contextmanager

    from eventapp.services.public_cache import version_engine

    @contextmanager
    def counting():
        engine = version_engine()
        with count_queries() as statements:
            def before(conn, cursor, statement, parameters, context, executemany):
                statements.append(statement)

            if engine is not None:
                sa.event.listen(engine, "before_cursor_execute", before)
            try:
                yield statements
            finally:
                if engine is not None:
                    sa.event.remove(engine, "before_cursor_execute", before)

    return counting


def served(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return response


def assert_cached_then_changed(client, url, before, after, change):
    """The page shows `before` from the cache, then `after` on the very next request once `change()` ran."""
    served(client, url)
    cached = served(client, url)
    assert cached.headers["X-Cache"] == "hit", url
    assert before in text(cached) and after not in text(cached), url
    change()
    fresh = served(client, url)
    assert fresh.headers["X-Cache"] == "miss", url
    assert after in text(fresh), url


def test_a_publish_reaches_agenda_session_page_and_feeds(app, client, make_event, make_session, organiser):
    event = make_event()
    item = make_session(event, title="Original title")
    public = app.test_client()
    urls = [f"/events/{event.slug}/agenda", f"/events/{event.slug}/sessions/{item.id}",
            f"/events/{event.slug}/calendar.ics", f"/events/{event.slug}/sessions/{item.id}.ics",
            f"/events/{event.slug}/calendar.ics?sessions={item.id}"]
    for url in urls:
        served(public, url)
        assert "Original title" in served(public, url).get_data(as_text=True)
    organiser(event)
    base = f"/manage/events/{event.id}"
    client.get(f"{base}/sessions/")
    draft = db.session.scalar(sa.text("select id from draft_sessions where title = 'Original title'"))
    client.post(f"{base}/sessions/{draft}/edit", data={
        "title": "Renamed at the last minute", "session_type": "panel",
        "starts_at": "2030-05-06T09:00", "ends_at": "2030-05-06T10:00", "room_id": 0})
    for url in urls:  # the working copy is not public
        assert "Original title" in served(public, url).get_data(as_text=True)
    page = client.get(f"{base}/agenda/publish").get_data(as_text=True)
    fingerprint = re.search(r'name="fingerprint" type="hidden" value="([0-9a-f]+)"', page).group(1)
    client.post(f"{base}/agenda/publish", data={"label": "v2", "is_final": "draft", "fingerprint": fingerprint})
    for url in urls:
        body = served(public, url).get_data(as_text=True)
        assert "Renamed at the last minute" in body and "Original title" not in body, url


def test_an_event_edit_reaches_every_page_of_the_event(client, make_event, make_session, make_person):
    person = make_person(name="Ana Ruiz", slug="ana-ruiz")
    event = make_event(title="Old name")
    make_session(event, speakers=[(person, "panelist")])

    def rename():
        db.session.get(Event, event.id).title = "New name"
        db.session.commit()

    for url in (f"/events/{event.slug}/", f"/events/{event.slug}/agenda", f"/events/{event.slug}/speakers/",
                f"/events/{event.slug}/speakers/ana-ruiz"):
        assert_cached_then_changed(client, url, "Old name", "New name", rename)
        event.title = "Old name"
        db.session.commit()


def test_a_speaker_edit_reaches_the_speaker_pages(client, make_event, make_session, make_person):
    person = make_person(name="Ana Ruiz", slug="ana-ruiz", affiliation="Old affiliation")
    event = make_event()
    make_session(event, speakers=[(person, "panelist")])

    def move_on():
        person.affiliation = "New affiliation"
        db.session.commit()

    assert_cached_then_changed(client, f"/events/{event.slug}/speakers/ana-ruiz", "Old affiliation", "New affiliation", move_on)


def test_the_demo_notice_appears_on_cached_pages_once_demo_data_is_loaded(client, make_event):
    event = make_event()

    def load_demo():
        db.session.add(Event(slug="demo-x", title="Demo", status="draft", is_demo=True, starts_at=event.starts_at,
                             ends_at=event.ends_at, timezone="UTC"))
        db.session.commit()

    assert_cached_then_changed(client, f"/events/{event.slug}/", event.title, "Demonstration data", load_demo)


def test_awards_results_appear_when_the_release_time_passes_without_any_edit(
    client, make_event, make_programme, make_category, make_entry
):
    event = make_event()
    programme = make_programme(event, release_at=datetime.now(UTC) + timedelta(seconds=2.5))
    category = make_category(programme, slug="partnerships", name="Partnerships")
    make_entry(category, title="Alpha initiative", status="winner")
    urls = [f"/events/{event.slug}/awards", f"/events/{event.slug}/awards/partnerships"]
    for url in urls:
        served(client, url)
        cached = served(client, url)
        assert cached.headers["X-Cache"] == "hit" and "Winner" not in text(cached)
    time.sleep(max(0.0, (programme.release_at - datetime.now(UTC)).total_seconds()) + 0.1)
    for url in urls:
        assert "Winner" in text(served(client, url)), url


def test_awards_edits_after_release_reach_the_awards_pages(client, make_event, make_programme, make_category, make_entry):
    programme = make_programme(make_event(), is_released=True)
    category = make_category(programme, slug="partnerships", name="Partnerships")
    entry = make_entry(category, title="Alpha initiative", status="winner")

    def rename():
        entry.title = "Alpha initiative (renamed)"
        db.session.commit()

    assert_cached_then_changed(client, f"/events/{programme.event.slug}/awards/partnerships", "Alpha initiative", "(renamed)", rename)


def test_now_and_next_move_at_the_next_session_boundary(client, make_event, make_session):
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    event = make_event(starts_at=start, ends_at=start + timedelta(hours=3))
    boundary = datetime.now(UTC) + timedelta(seconds=2.5)
    make_session(event, title="Running panel", starts_at=start, ends_at=boundary)
    make_session(event, title="Closing remarks", starts_at=boundary)
    url = f"/events/{event.slug}/agenda"
    served(client, url)
    cached = served(client, url)
    assert cached.headers["X-Cache"] == "hit"
    assert re.search(r"Now: Running panel", text(cached)) and "Next: Closing remarks" in text(cached)
    time.sleep(max(0.0, (boundary - datetime.now(UTC)).total_seconds()) + 0.1)
    assert "Now: Closing remarks" in text(served(client, url))


def test_places_left_are_live_beside_a_cached_page_and_registering_bumps_no_version(client, open_event):
    url = f"/events/{open_event.slug}/"
    served(client, url)
    before = served(client, url)
    assert before.headers["X-Cache"] == "hit"
    assert client.get(f"/events/{open_event.slug}/places.json").get_json()["in_person"] == "10 places left"
    versions = db.session.scalars(sa.select(PublicVersion.version)).all()
    client.post(f"/events/{open_event.slug}/register", data=register_data(), follow_redirects=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 1
    db.session.expire_all()
    assert db.session.scalars(sa.select(PublicVersion.version)).all() == versions  # the cache is still good
    live = client.get(f"/events/{open_event.slug}/places.json")
    assert live.get_json()["in_person"] == "9 places left"
    assert "no-store" in live.headers["Cache-Control"]
    assert "9 places left" in text(client.get(f"/events/{open_event.slug}/places"))
    again = served(client, url)
    assert again.headers["X-Cache"] == "hit" and again.get_data() == before.get_data()


@pytest.mark.parametrize("app_config", ["memory"], indirect=True)  # the store plays no part here
def test_a_table_added_later_bumps_its_event_through_its_event_id(app, client, make_event):
    """A feature built later (event documents, say) invalidates the pages without touching the cache code."""
    class Base(so.DeclarativeBase):
        pass

    class LaterDocument(Base):
        __tablename__ = "later_documents_test"
        id: so.Mapped[int] = so.mapped_column(primary_key=True)
        event_id: so.Mapped[int] = so.mapped_column()
        title: so.Mapped[str] = so.mapped_column(sa.String(100))

    Base.metadata.create_all(db.engine)
    try:
        event = make_event()
        other = make_event()
        version = lambda e: db.session.scalar(sa.select(PublicVersion.version).where(PublicVersion.event_id == e.id)) or 0
        before, other_before = version(event), version(other)
        db.session.add(LaterDocument(event_id=event.id, title="Concept note"))
        db.session.commit()
        assert version(event) == before + 1 and version(other) == other_before
    finally:
        db.session.rollback()
        Base.metadata.drop_all(db.engine)


@pytest.mark.parametrize("app_config", ["memory"], indirect=True)  # the store plays no part here
def test_a_rolled_back_change_bumps_nothing(client, make_event):
    event = make_event()
    version = db.session.scalar(sa.select(PublicVersion.version).where(PublicVersion.event_id == event.id))
    db.session.get(Event, event.id).title = "Never saved"
    db.session.flush()
    db.session.rollback()
    assert db.session.scalar(sa.select(PublicVersion.version).where(PublicVersion.event_id == event.id)) == version


@pytest.mark.parametrize("url", ["/events/{slug}/agenda", "/events/{slug}/calendar.ics"])
def test_a_matching_conditional_request_gets_304_without_building_the_body(client, make_event, make_session, monkeypatch, count_all_queries, url):
    event = make_event()
    make_session(event)
    url = url.format(slug=event.slug)
    first = served(client, url)
    from eventapp.services.agenda import pages
    from eventapp.services.calendars import ical

    def no_building(*args, **kwargs):
        raise AssertionError("the body was built")

    monkeypatch.setattr(pages, "build_agenda", no_building)
    monkeypatch.setattr(ical, "calendar_bytes", no_building)
    with count_all_queries() as statements:
        response = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert response.status_code == 304 and response.get_data() == b""
    assert response.headers["ETag"] == first.headers["ETag"]
    assert len(statements) == version_checks(client)
    with count_all_queries() as statements:
        full = served(client, url)
    assert full.get_data() == first.get_data() and len(statements) == version_checks(client)


def version_checks(client):
    """Statements a cached answer costs: none on PostgreSQL (versions are kept in the process and
    forgotten on a notification), the version check on SQLite."""
    return 0 if client.application.extensions.get("public_version_listeners") else 1


def test_a_cached_page_costs_at_most_one_sql_statement_whatever_the_agenda_size(client, make_event, make_session, count_all_queries):
    event = make_event()
    for i in range(40):
        make_session(event, title=f"S{i}", starts_at=event.starts_at + timedelta(minutes=30 * i))
    for url in (f"/events/{event.slug}/agenda", f"/events/{event.slug}/", f"/events/{event.slug}/calendar.ics"):
        served(client, url)
        with count_all_queries() as statements:
            assert served(client, url).headers["X-Cache"] == "hit"
        assert len(statements) == version_checks(client), (url, statements)


def test_a_change_committed_by_another_app_server_reaches_this_one(app, client, database, make_event, make_session, app_config):
    """Two app servers on one database: a change through the second reaches the first's next
    requests through PostgreSQL's notification."""
    from eventapp import create_app

    if database == "sqlite":
        pytest.skip("runs on PostgreSQL only: an in-memory SQLite database belongs to one app")
    event = make_event()
    item = make_session(event, title="Before the change")
    url = f"/events/{event.slug}/agenda"
    served(client, url)
    assert served(client, url).headers["X-Cache"] == "hit"
    other = create_app(app_config)
    with other.app_context():
        row = db.session.get(type(item), item.id)
        row.title = "Changed on the other server"
        db.session.commit()
        committed = time.monotonic()
        db.engine.dispose()
    db.session.rollback()  # the test's own session would show its stale copy of the row (a request starts afresh)
    deadline = committed + 2.0
    while True:
        response = served(client, url)
        if "Changed on the other server" in text(response):
            break
        assert time.monotonic() < deadline, "the other server's change did not arrive within 2 s"
        time.sleep(0.001)
    waited = time.monotonic() - committed
    assert response.headers["X-Cache"] == "miss"
    print(f"another server's change seen after {waited * 1000:.1f} ms")
    assert waited < 1.0


@pytest.mark.parametrize("app_config", ["memory"], indirect=True)  # the store plays no part here
def test_compressed_bytes_are_served_to_clients_that_accept_them(client, make_event, make_session):
    event = make_event()
    make_session(event, title="Compressed panel")
    url = f"/events/{event.slug}/agenda"
    plain = served(client, url, **{"Accept-Encoding": "identity"})
    zipped = served(client, url, **{"Accept-Encoding": "gzip"})
    brotlied = served(client, url, **{"Accept-Encoding": "gzip, deflate, br"})
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped.get_data()) == plain.get_data()
    assert brotlied.headers["Content-Encoding"] == "br" and brotli.decompress(brotlied.get_data()) == plain.get_data()
    assert "Accept-Encoding" in plain.headers["Vary"]
    assert len({plain.headers["ETag"], zipped.headers["ETag"], brotlied.headers["ETag"]}) == 3
    assert client.get(url, headers={"If-None-Match": zipped.headers["ETag"], "Accept-Encoding": "gzip"}).status_code == 304


@pytest.mark.parametrize("app_config", ["memory"], indirect=True)  # the store plays no part here
def test_each_language_has_its_own_entry(client, make_event, make_session):
    event = make_event()
    make_session(event)
    url = f"/events/{event.slug}/agenda"
    english = served(client, url, **{"Accept-Language": "en"})
    french = served(client, url, **{"Accept-Language": "fr"})
    assert "Programme" in text(french) and "Programme" not in text(english)
    assert served(client, url, **{"Accept-Language": "fr"}).headers["X-Cache"] == "hit"
    assert {"Accept-Language", "Cookie"} <= set(map(str.strip, english.headers["Vary"].split(",")))


def test_no_cached_response_carries_a_cookie_a_csrf_token_or_anything_personal(app, make_event, make_session, open_event, organiser, client):
    make_session(open_event, title="Gala", requires_registration=True, capacity=3)
    organiser(open_event)  # a signed-in organiser browses the public pages too
    app.config["WTF_CSRF_ENABLED"] = True
    with client.session_transaction() as session:
        session["_flashes"] = [("message", "Amina Secret, your registration is confirmed")]
    urls = [f"/events/{open_event.slug}/", f"/events/{open_event.slug}/agenda", f"/events/{open_event.slug}/speakers/",
            f"/events/{open_event.slug}/calendar.ics"]
    for url in urls:
        for attempt in ("miss", "hit"):
            response = served(client, url)
            assert response.headers["X-Cache"] == attempt, url
            body = response.get_data(as_text=True)
            assert "Set-Cookie" not in response.headers, url
            assert "csrf_token" not in body and "Amina Secret" not in body, url
            assert "@example.org" not in body, url  # no organiser or participant address
            assert not re.search(r"\b\d+ places? left\b", body), url  # places left are live, not cached
    with client.session_transaction() as session:
        assert session["_flashes"]  # still waiting for the next page that is not cached


@pytest.mark.parametrize("app_config", ["memory"], indirect=True)  # the store plays no part here
def test_a_language_switch_keeps_the_choice_in_the_session(client, make_event):
    event = make_event()
    url = f"/events/{event.slug}/"
    switched = client.get(f"{url}?lang=fr")
    assert "Set-Cookie" in switched.headers and "X-Cache" not in switched.headers
    assert "Programme" in text(client.get(url))
    assert client.get(f"{url}?lang=fr").headers["X-Cache"] in {"hit", "miss"}


@pytest.mark.parametrize("app_config", ["memory"], indirect=True)  # the store plays no part here
def test_unknown_query_parameters_are_not_cached(client, make_event):
    event = make_event()
    response = served(client, f"/events/{event.slug}/agenda?utm_source=x")
    assert "X-Cache" not in response.headers


@pytest.mark.parametrize("app_config", ["memory"], indirect=True)  # the store plays no part here
def test_a_long_agenda_shows_one_day_with_links_to_the_others_and_to_all_days(client, make_event, make_session):
    start = datetime(2030, 5, 6, 7, 0, tzinfo=UTC)
    event = make_event(starts_at=start, ends_at=start + timedelta(days=3))
    for day in range(3):
        make_session(event, title=f"Opening of day {day + 1}", starts_at=start + timedelta(days=day))
    page = text(served(client, f"/events/{event.slug}/agenda"))
    assert "Opening of day 1" in page and "Opening of day 2" not in page
    html = served(client, f"/events/{event.slug}/agenda").get_data(as_text=True)
    assert f'href="/events/{event.slug}/agenda?day=2030-05-07"' in html and "?day=all" in html
    assert "Opening of day 2" in text(served(client, f"/events/{event.slug}/agenda?day=2030-05-07"))
    every = text(served(client, f"/events/{event.slug}/agenda?day=all"))
    assert all(f"Opening of day {n}" in every for n in (1, 2, 3))
    assert "Opening of day 1" in text(served(client, f"/events/{event.slug}/agenda?day=not-a-date"))


class SilentConnection:
    """A listening connection that died without a word: nothing ever arrives on it."""

    class pgconn:  # noqa: N801 - stands in for psycopg's attribute
        @staticmethod
        def consume_input():
            return None

        @staticmethod
        def notifies():
            return None

    def close(self):
        pass


@pytest.mark.parametrize("app_config", ["memory"], indirect=True)
def test_if_notifications_stop_arriving_a_page_is_at_most_a_few_seconds_stale(app, client, database, make_event, make_session, app_config):
    from eventapp import create_app
    from eventapp.services.version_listener import version_listener

    if database == "sqlite":
        pytest.skip("runs on PostgreSQL only: an in-memory SQLite database belongs to one app")
    event = make_event()
    item = make_session(event, title="Before the change")
    url = f"/events/{event.slug}/agenda"
    served(client, url)
    listener = version_listener()
    listener.recheck_seconds = 0.5
    listener.connection.close()
    listener.connection = SilentConnection()
    served(client, url)
    assert served(client, url).headers["X-Cache"] == "hit"
    other = create_app(app_config)
    with other.app_context():
        db.session.get(type(item), item.id).title = "Changed while nobody listened"
        db.session.commit()
        committed = time.monotonic()
        db.engine.dispose()
    db.session.rollback()
    while "Changed while nobody listened" not in text(served(client, url)):
        assert time.monotonic() - committed < 3.0, "still stale after the recheck interval"
        time.sleep(0.02)
    assert time.monotonic() - committed < listener.recheck_seconds + 0.5


def test_a_read_that_raced_a_change_is_not_kept():
    """A version read before a change but stored after its notification would stay stale."""
    from eventapp.services.version_listener import VersionListener

    listener = VersionListener("postgresql://unused")
    listener.connection = SilentConnection()

    def read_while_a_change_arrives():
        listener.forget()  # another thread saw the change's notification meanwhile
        return ("old",)

    assert listener.get("k", read_while_a_change_arrives) == ("old",)
    assert "k" not in listener.rows
    assert listener.get("k", lambda: ("new",)) == ("new",) and listener.rows["k"] == ("new",)


@pytest.mark.parametrize("app_config", ["redis"], indirect=True)
def test_with_redis_a_page_is_built_once_for_every_server_and_then_kept_in_each(app, client, app_config, make_event, make_session, monkeypatch):
    """Another app server finds the entry in Redis (no build); once it served it, it answers from
    its own memory, 304s included, without asking Redis again."""
    from eventapp import create_app
    from eventapp.cache_stores import TieredStore
    from eventapp.services.agenda import pages

    event = make_event()
    make_session(event, title="Shared panel")
    url = f"/events/{event.slug}/agenda"
    first = served(client, url)
    assert first.headers["X-Cache"] == "miss"
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("runs on PostgreSQL only: an in-memory SQLite database belongs to one app")
    other = create_app(app_config)
    monkeypatch.setattr(pages, "build_agenda", lambda *a, **k: (_ for _ in ()).throw(AssertionError("built again")))
    with other.app_context():
        tiered = other.extensions["public_cache"]
        assert isinstance(tiered, TieredStore)
        elsewhere = other.test_client()
        shared = served(elsewhere, url)
        assert shared.headers["X-Cache"] == "hit" and shared.get_data() == first.get_data()
        monkeypatch.setattr(tiered.shared, "get", lambda *a: (_ for _ in ()).throw(AssertionError("asked Redis")))
        monkeypatch.setattr(tiered.shared, "get_body", lambda *a: (_ for _ in ()).throw(AssertionError("asked Redis")))
        assert served(elsewhere, url).get_data() == first.get_data()
        assert elsewhere.get(url, headers={"If-None-Match": shared.headers["ETag"]}).status_code == 304
        db.engine.dispose()
