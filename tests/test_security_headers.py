"""Security headers on every page, a CSP without inline script, and pages that still work under it."""
import re
from pathlib import Path

import pytest

from config import ProductionConfig, TestingConfig
from eventapp import create_app
from eventapp.extensions import db

from .conftest import PASSWORD

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def assert_security_headers(response, url):
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    directives = dict((part.split(" ", 1) + [""])[:2] for part in (p.strip() for p in csp.split(";")) if part)
    assert directives.get("script-src") == "'self'", url
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
    assert directives.get("frame-ancestors") == "'none'" and directives.get("object-src") == "'none'", url
    assert headers.get("X-Content-Type-Options") == "nosniff", url
    assert headers.get("X-Frame-Options") == "DENY", url
    assert headers.get("Referrer-Policy") in ("strict-origin-when-cross-origin", "no-referrer"), url
    assert "camera=(self)" in headers.get("Permissions-Policy", "") and "geolocation=()" in headers["Permissions-Policy"]


def test_every_kind_of_page_sends_the_security_headers(app, client, demo, make_user, login):
    event = demo
    session_id = event.sessions[0].id
    public = ["/", f"/events/{event.slug}/", f"/events/{event.slug}/agenda", f"/events/{event.slug}/sessions/{session_id}",
              f"/events/{event.slug}/calendar.ics", f"/events/{event.slug}/register", f"/events/{event.slug}/awards",
              "/privacy", "/nowhere", "/static/css/app.css", "/manage/login", "/manage/"]
    for url in public:
        response = client.get(url)
        assert_security_headers(response, url)
        response.close()
    bad = client.get(f"/events/{event.slug}/calendar.ics?sessions=x")
    assert bad.status_code == 400
    assert_security_headers(bad, "400")
    login(make_user(role="admin", events=[event]))
    for url in ("/manage/", f"/manage/events/{event.id}/", f"/manage/events/{event.id}/checkin",
                f"/manage/events/{event.id}/registrations/export.csv"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_security_headers(response, url)
    assert "Strict-Transport-Security" not in client.get("/").headers  # not outside production


def test_registration_pages_keep_their_stricter_referrer_policy(client, open_event):
    assert client.get(f"/events/{open_event.slug}/register").headers["Referrer-Policy"] == "no-referrer"


def test_production_sends_hsts():
    class Config(ProductionConfig):
        SECRET_KEY = "production-test"
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        RATELIMIT_ENABLED = False

    app = create_app(Config)
    with app.app_context():
        response = app.test_client().get("/privacy", base_url="https://localhost")
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert_security_headers(response, "/privacy")


def test_no_template_has_inline_script_event_handlers_or_style_attributes():
    """The CSP forbids them; e-mails (not served as pages) may style inline."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if path.parts[-2] == "email":
            continue
        text = path.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\son[a-z]+\s*=", r"\sstyle\s*=", r"javascript:"):
            offenders += [f"{path.relative_to(TEMPLATES)}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert offenders == []


@pytest.mark.browser
def test_pages_work_in_a_browser_under_the_policy(tmp_path):
    """No CSP violation on the agenda (my-agenda script), the badge sheet (print) and check-in (scanner)."""
    from eventapp.services.accounts import create_user
    from eventapp.services.demo import load_demo

    from .browser import chromium, live_server, require_chromium

    require_chromium()

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'site.sqlite'}"

    app = create_app(Config)
    with app.app_context():
        db.create_all()
        event = load_demo()
        user = create_user("csp@example.org", PASSWORD, "admin")
        user.events = [event]
        db.session.commit()
        slug, event_id = event.slug, event.id
    violations = []
    with live_server(app) as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
        page.goto(f"{url}/events/{slug}/agenda")
        page.wait_for_selector("[data-my-agenda-toggle]:visible")  # my-agenda.js ran and showed its buttons
        page.goto(url + "/manage/login")
        page.fill("input[name=email]", "csp@example.org")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{url}/manage/events/{event_id}/badges")
        page.wait_for_selector("[data-print]:visible")  # print.js ran
        page.goto(f"{url}/manage/events/{event_id}/checkin")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.close()
    with app.app_context():
        db.drop_all()
        db.engine.dispose()
    assert violations == []
