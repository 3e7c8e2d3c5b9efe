"""The agenda widget: organisers list the websites that may frame it; browsers refuse every other one."""
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from config import TestingConfig
from eventapp import create_app
from eventapp.extensions import db
from eventapp.models import AuditEntry, Event, EventSession, EventStatus

from .browser import chromium, live_server, require_chromium


def test_an_organiser_lists_websites_and_copies_the_snippet(client, make_event, organiser):
    event = make_event(title='Forum "Mobility" <2030>')
    organiser(event)
    page = client.get(f"/manage/events/{event.id}/embed").get_data(as_text=True)
    assert "&lt;iframe" in page and f"/events/{event.slug}/embed" in page
    assert "Forum &amp;#34;Mobility&amp;#34; &amp;lt;2030&amp;gt;" in page  # escaped in the snippet, then on the page

    refused = client.post(f"/manage/events/{event.id}/embed", data={"origins": "https://ok.example\njavascript:alert(1)"})
    assert refused.status_code == 200 and "is not a website address" in refused.get_data(as_text=True)
    db.session.refresh(event)
    assert event.embed_origins == ""  # nothing half-saved

    saved = client.post(f"/manage/events/{event.id}/embed", data={"origins": "https://www.iom.int/\nhttp://localhost:8080"},
                        follow_redirects=True)
    assert "Websites saved." in saved.get_data(as_text=True)
    db.session.refresh(event)
    assert event.embed_origins == "https://www.iom.int\nhttp://localhost:8080"
    assert db.session.query(AuditEntry).filter_by(action="event.embed_origins").count() == 1


def test_only_the_widget_may_be_framed_and_only_by_listed_origins(client, make_event, make_session):
    event = make_event(embed_origins="https://www.iom.int\nhttps://partner.example")
    make_session(event, title="Opening")
    response = client.get(f"/events/{event.slug}/embed")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors https://www.iom.int https://partner.example" in csp
    assert "X-Frame-Options" not in response.headers
    assert "Set-Cookie" not in response.headers
    html = response.get_data(as_text=True)
    assert "Opening" in html and 'target="_blank"' in html and "<script" not in html
    unlisted = make_event(slug="closed")
    assert "frame-ancestors 'none'" in client.get("/events/closed/embed").headers["Content-Security-Policy"]
    assert client.get(f"/events/{unlisted.slug}/embed?lang=fr").status_code == 200


def test_the_widget_follows_the_agenda_filters(client, make_event, make_session):
    event = make_event()
    make_session(event, title="Panel one", session_type="panel")
    make_session(event, title="Lunch break", session_type="break", starts_at=event.starts_at + timedelta(hours=2))
    html = client.get(f"/events/{event.slug}/embed?type=panel").get_data(as_text=True)
    assert "Panel one" in html and "Lunch break" not in html


class _HostPage(BaseHTTPRequestHandler):
    widget_url = ""

    def do_GET(self):  # noqa: N802 (http.server's name)
        body = (f'<!doctype html><title>Partner site</title><h1>Partner</h1>'
                f'<iframe id="w" src="{self.widget_url}" title="Agenda"></iframe>').encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _serve(handler):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.browser
def test_a_listed_website_shows_the_widget_and_an_unlisted_one_is_refused(tmp_path):
    require_chromium()

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path}/site.sqlite"

    app = create_app(Config)
    listed = _serve(type("Listed", (_HostPage,), {}))
    unlisted = _serve(type("Unlisted", (_HostPage,), {}))
    # The partner pages are served from "localhost"; the app from 127.0.0.1: two different origins.
    listed_origin = f"http://localhost:{listed.server_port}"
    with app.app_context():
        db.create_all()
        start = datetime.now(timezone.utc) + timedelta(days=3)
        event = Event(slug="forum", title="Regional Forum on Labour Mobility", status=EventStatus.PUBLISHED,
                      starts_at=start, ends_at=start + timedelta(hours=8), timezone="Europe/Zurich",
                      embed_origins=listed_origin)
        db.session.add(event)
        db.session.add(EventSession(event=event, title="Opening remarks", starts_at=start,
                                    ends_at=start + timedelta(hours=1)))
        db.session.commit()
    try:
        with live_server(app) as url, chromium() as browser:
            listed.RequestHandlerClass.widget_url = f"{url}/events/forum/embed"
            unlisted.RequestHandlerClass.widget_url = f"{url}/events/forum/embed"
            page = browser.new_page(viewport={"width": 390, "height": 800})

            page.goto(f"{listed_origin}/")
            frame = page.frame_locator("#w")
            assert "Opening remarks" in frame.locator("main").inner_text(timeout=10000)
            assert page.frames[1].url == f"{url}/events/forum/embed"

            page.goto(f"http://localhost:{unlisted.server_port}/")
            page.wait_for_load_state("load")
            child = page.frames[1]
            # The browser refused to load the widget there: the frame never reaches the widget's address.
            assert child.url != f"{url}/events/forum/embed"
            text = child.evaluate("document.body ? document.body.innerText : ''") if child.url.startswith("http") else ""
            assert "Opening remarks" not in text

            page.goto(f"{url}/events/forum/embed")  # opened directly, the widget shows
            assert "Opening remarks" in page.locator("main").inner_text()
    finally:
        for server in (listed, unlisted):
            server.shutdown()
            server.server_close()
        with app.app_context():
            db.drop_all()
