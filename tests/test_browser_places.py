"""Places left on a cached page, filled in by live-places.js; the day links work by keyboard."""
from datetime import datetime, timedelta, timezone

import pytest

from config import TestingConfig
from eventapp import create_app
from eventapp.extensions import db
from eventapp.models import Event, EventSession, RegistrationPolicy

from .browser import chromium, live_server, require_chromium

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    require_chromium()

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path_factory.mktemp('places')}/site.sqlite"

    app = create_app(Config)
    with app.app_context():
        db.create_all()
        start = (datetime.now(timezone.utc) + timedelta(days=30)).replace(hour=8, minute=0, second=0, microsecond=0)
        event = Event(slug="forum", title="Forum", status="published", starts_at=start, ends_at=start + timedelta(days=2),
                      timezone="Europe/Zurich")
        db.session.add(event)
        for day in range(2):
            db.session.add(EventSession(event=event, title=f"Plenary of day {day + 1}", starts_at=start + timedelta(days=day),
                                        ends_at=start + timedelta(days=day, hours=1)))
        db.session.add(RegistrationPolicy(event=event, opens_at=start - timedelta(days=60), in_person_capacity=10,
                                          reference_prefix="FORUM"))
        db.session.commit()
    with live_server(app) as url, chromium() as browser:
        yield url, browser
    with app.app_context():
        db.drop_all()


def test_places_left_appear_on_the_cached_event_page_with_javascript(site):
    url, browser = site
    page = browser.new_page(viewport={"width": 390, "height": 844})
    for _ in range(2):  # built for the cache, then served from it
        page.goto(url + "/events/forum/")
        page.get_by_text("In person: 10 places left").wait_for()
        assert page.locator("a[data-places]").count() == 0
    page.close()


def test_day_links_reach_the_second_day_and_all_days_by_keyboard(site):
    url, browser = site
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(url + "/events/forum/agenda")
    assert page.get_by_text("Plenary of day 2").count() == 0
    page.locator(".day-nav a").nth(1).focus()
    page.keyboard.press("Enter")
    page.get_by_text("Plenary of day 2").wait_for()
    page.locator(".day-nav a", has_text="All days").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Plenary of day 1").wait_for()
    assert page.get_by_text("Plenary of day 2").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()
