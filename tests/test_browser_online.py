"""The online link in a real browser on a 390 px phone: set by keyboard, shown to the online participant."""
from datetime import datetime, timedelta, timezone

import pytest

from config import TestingConfig
from eventapp import create_app
from eventapp.extensions import db
from eventapp.models import Event, EventSession, EventStatus, RegistrationPolicy
from eventapp.services.accounts import create_user
from eventapp.services.registration.register import register
from eventapp.services.registration.tokens import issue_token

from .browser import chromium, live_server, require_chromium
from .conftest import PASSWORD

pytestmark = pytest.mark.browser

LONG_URL = "https://meet.example.org/j/" + "9" * 11 + "?pwd=" + "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789" * 2


@pytest.fixture(scope="module")
def hybrid(tmp_path_factory):
    require_chromium()

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path_factory.mktemp('online')}/site.sqlite"

    app = create_app(Config)
    with app.app_context():
        db.create_all()
        start = datetime.now(timezone.utc) + timedelta(days=5)
        event = Event(slug="hybrid", title="International Dialogue on Migration", status=EventStatus.PUBLISHED,
                      starts_at=start, ends_at=start + timedelta(hours=8), timezone="Europe/Zurich")
        db.session.add(event)
        db.session.add(EventSession(event=event, title="Opening", starts_at=start, ends_at=start + timedelta(hours=1)))
        db.session.add(RegistrationPolicy(event=event, in_person_capacity=100, is_hybrid=True,
                                          opens_at=datetime.now(timezone.utc) - timedelta(days=1)))
        db.session.flush()
        person = register(event, dict(first_name="Ana", last_name="Pérez", email="ana@example.org", mode="online",
                                      organisation="Ministry", stakeholder_group="member_state", country="EC")).registration
        token = issue_token(person)
        user = create_user("organiser@example.org", PASSWORD, "organiser")
        user.events = [event]
        db.session.commit()
        ids = {"event": event.id, "token": token}
    with live_server(app) as url, chromium() as browser:
        yield url, browser, ids
    with app.app_context():
        db.drop_all()


def test_an_organiser_sets_the_link_on_a_phone_and_the_online_participant_sees_it_without_overflow(hybrid):
    url, browser, ids = hybrid
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(url + "/manage/login")
    page.fill("input[name=email]", "organiser@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    settings = f"{url}/manage/events/{ids['event']}/registrations/settings"
    page.goto(settings)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    field = page.get_by_label("Online participation link")
    field.fill(LONG_URL)
    page.keyboard.press("Tab")  # to the passcode, by keyboard
    page.keyboard.type("4417")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # submits the online link's form
    assert "Online link and reminder saved." in page.inner_text("body")
    assert page.get_by_label("Passcode").first.input_value() == "4417"
    page.goto(settings + "/online/sessions")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.goto(f"{url}/registrations/{ids['token']}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    link = page.locator("a.online-url")
    assert link.get_attribute("href") == LONG_URL and "4417" in page.inner_text(".online-links")
    page.goto(f"{url}/events/hybrid/agenda")
    assert LONG_URL not in page.content()
    page.close()
