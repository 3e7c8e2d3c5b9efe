"""The registrations desk in a real browser: State in view at 1280 px, no page overflow at 390 px,
and a ticked selection reaching the bulk confirmation with the keyboard alone."""
from datetime import datetime, timedelta, timezone

import pytest

from config import TestingConfig
from eventapp import create_app
from eventapp.extensions import db
from eventapp.models import Event, EventStatus, RegistrationPolicy
from eventapp.services.accounts import create_user
from eventapp.services.registration.register import register

from .browser import chromium, live_server, require_chromium
from .conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    require_chromium()

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path_factory.mktemp('desk')}/site.sqlite"

    app = create_app(Config)
    with app.app_context():
        db.create_all()
        start = datetime.now(timezone.utc) + timedelta(days=9)
        event = Event(slug="idm", title="International Dialogue on Migration", status=EventStatus.PUBLISHED,
                      starts_at=start, ends_at=start + timedelta(hours=8), timezone="Europe/Zurich")
        db.session.add(event)
        db.session.add(RegistrationPolicy(event=event, in_person_capacity=5, approval_mode="moderated",
                                          opens_at=datetime.now(timezone.utc) - timedelta(days=1)))
        db.session.flush()
        for n in range(9):
            register(event, dict(first_name=f"Maria-Fernanda{n}", last_name=f"Rodríguez-Villanueva{n}",
                                 email=f"person{n}@ministerio-de-relaciones-exteriores.example.org",
                                 organisation="Ministerio de Relaciones Exteriores y Movilidad Humana del Ecuador",
                                 stakeholder_group="member_state", country="EC"))
        user = create_user("desk@example.org", PASSWORD, "organiser")
        user.events = [event]
        db.session.commit()
        event_id = event.id
    with live_server(app) as url, chromium() as browser:
        yield url, browser, event_id
    with app.app_context():
        db.drop_all()


def sign_in(page, url):
    page.goto(url + "/manage/login")
    page.fill("input[name=email]", "desk@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def test_the_desk_fits_1280_with_state_in_view_and_390_without_page_overflow(site):
    url, browser, event_id = site
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, url)
    page.goto(f"{url}/manage/events/{event_id}/registrations/")
    table = page.locator("table.desk-table")
    assert table.evaluate("t => t.scrollWidth <= t.clientWidth + 1"), "the table scrolls sideways at 1280 px"
    state = page.locator("table.desk-table th", has_text="State").bounding_box()
    registered = page.locator("table.desk-table th", has_text="Registered").bounding_box()
    assert state["x"] + state["width"] <= 1280 and registered["x"] + registered["width"] <= 1280
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280

    # Keyboard alone: tick two rows with Space, then reach "Approve the ticked…" and press Enter.
    page.focus("#desk-selection input[name=ids] >> nth=0")
    page.keyboard.press("Space")
    page.focus("#desk-selection input[name=ids] >> nth=1")
    page.keyboard.press("Space")
    page.focus("button[name=action][value=approve]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#bulk-count")
    assert "You ticked 2 registrations." in page.inner_text("main")
    assert "2 registrations awaiting approval will be approved." in page.inner_text("#bulk-count")
    page.close()

    phone = browser.new_page(viewport={"width": 390, "height": 844})
    sign_in(phone, url)
    phone.goto(f"{url}/manage/events/{event_id}/registrations/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.goto(f"{url}/manage/events/{event_id}/registrations/bulk?action=approve&state=pending")
    assert "5 places for 9" in phone.inner_text("#bulk-warning")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.goto(f"{url}/manage/")
    assert "0 confirmed, 0 waiting, 9 awaiting approval" in phone.inner_text("main")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.close()
