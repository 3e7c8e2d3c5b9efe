"""The check-in screen and badges in a real browser, on a 390 px phone."""
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
def desk(tmp_path_factory):
    require_chromium()

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path_factory.mktemp('checkin')}/site.sqlite"

    app = create_app(Config)
    with app.app_context():
        db.create_all()
        start = datetime.now(timezone.utc) + timedelta(days=2)
        event = Event(slug="forum", title="Regional Forum on Labour Mobility", status=EventStatus.PUBLISHED,
                      starts_at=start, ends_at=start + timedelta(hours=8), timezone="Africa/Nairobi")
        db.session.add(event)
        db.session.add(RegistrationPolicy(event=event, in_person_capacity=100,
                                          opens_at=datetime.now(timezone.utc) - timedelta(days=1)))
        db.session.flush()
        people = [register(event, dict(first_name=first, last_name=last, email=f"{first.lower()}@example.org",
                                       organisation=org, stakeholder_group="member_state", country="KE")).registration
                  for first, last, org in (("Wanjiru", "Kamau", "Ministry of Labour and Social Protection"),
                                           ("Otieno", "Odhiambo", "Kenya Diaspora Alliance"))]
        user = create_user("desk@example.org", PASSWORD, "organiser")
        user.events = [event]
        db.session.commit()
        ids = {"event": event.id, "reference": people[0].reference}
    with live_server(app) as url, chromium() as browser:
        yield url, browser, ids
    with app.app_context():
        db.drop_all()


def test_check_in_by_typing_a_reference_on_a_phone(desk):
    url, browser, ids = desk
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(url + "/manage/login")
    page.fill("input[name=email]", "desk@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{url}/manage/events/{ids['event']}/checkin")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert "0 of 2 confirmed people checked in" in page.inner_text("#checkin-counts")
    page.fill("input[name=q]", ids["reference"].lower())
    page.keyboard.press("Enter")
    page.wait_for_selector(".outcome-checked_in")
    assert "Checked in now" in page.inner_text("#checkin-result")
    assert "Wanjiru Kamau" in page.inner_text("#checkin-result")
    assert "1 of 2 confirmed people checked in" in page.inner_text("#checkin-counts")
    assert page.url.endswith("/checkin")  # no reload
    page.fill("input[name=q]", ids["reference"])
    page.keyboard.press("Enter")
    page.wait_for_selector(".outcome-already")
    assert "Already checked in at" in page.inner_text("#checkin-result")
    page.goto(f"{url}/manage/events/{ids['event']}/badges")
    assert page.locator(".name-badge").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()
