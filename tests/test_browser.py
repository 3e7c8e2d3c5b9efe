"""The public pages in a real browser: a 390 px phone, the keyboard alone, a wide screen, print."""
from datetime import timedelta

import pytest

from config import TestingConfig
from eventapp import create_app
from eventapp.extensions import db
from eventapp.models import EventSession, Room
from eventapp.services.demo import load_demo

from .browser import chromium, live_server, require_chromium

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    require_chromium()

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path_factory.mktemp('browser')}/site.sqlite"

    app = create_app(Config)
    with app.app_context():
        db.create_all()
        event = load_demo()
        # A second day with two parallel rooms, to see the side-by-side layout.
        hall, annex = Room(event=event, name="Main hall", position=0), Room(event=event, name="Annex", position=1)
        start = event.starts_at + timedelta(days=1)
        for title, room in (("Track A: labour pathways", hall), ("Track B: diaspora finance", annex)):
            db.session.add(EventSession(event=event, title=title, room=room, starts_at=start, ends_at=start + timedelta(hours=1)))
        event.ends_at = start + timedelta(hours=1)
        db.session.commit()
    with live_server(app) as url, chromium() as browser:
        yield url, browser
    with app.app_context():
        db.drop_all()


def test_agenda_fits_a_390_px_phone_without_sideways_scrolling(site):
    url, browser = site
    page = browser.new_page(viewport={"width": 390, "height": 844})
    for path in ["/", "/events/idm-2024-geneva/", "/events/idm-2024-geneva/agenda", "/events/idm-2024-geneva/agenda?day=all",
                 "/events/idm-2024-geneva/sessions/2"]:
        page.goto(url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
    page.goto(url + "/events/idm-2024-geneva/agenda?day=all")  # a two-day agenda shows one day by default
    assert page.locator(".session-card").count() == 10
    cards = page.locator(".session-card")
    first, second = cards.nth(8).bounding_box(), cards.nth(9).bounding_box()
    assert second["y"] > first["y"]  # parallel rooms stack on a phone
    page.close()


def test_parallel_rooms_sit_side_by_side_on_a_wide_screen(site):
    url, browser = site
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url + "/events/idm-2024-geneva/agenda?day=all")
    a = page.get_by_role("heading", name="Track A: labour pathways").bounding_box()
    b = page.get_by_role("heading", name="Track B: diaspora finance").bounding_box()
    assert abs(a["y"] - b["y"]) < 2 and b["x"] > a["x"] + 200
    page.close()


def test_keyboard_alone_skips_to_content_and_filters_the_agenda(site):
    url, browser = site
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(url + "/events/idm-2024-geneva/agenda")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # On a phone the filters are folded: Tab to their disclosure and open it with Enter.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Filter the agenda":
            break
    else:
        pytest.fail("the filters' disclosure cannot be reached with Tab")
    page.keyboard.press("Enter")
    # Tab to the "Break" checkbox, tick it with Space, then Tab to "Apply filters" and press Enter.
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.value") == "break":
            break
    else:
        pytest.fail("the Break filter cannot be reached with Tab")
    page.keyboard.press("Space")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Apply filters":
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "type=break" in page.url
    assert page.locator(".session-card").count() == 1
    assert "Lunch Break" in page.locator(".session-card").inner_text()
    page.close()


def test_printed_agenda_leaves_out_navigation_and_filters(site):
    url, browser = site
    page = browser.new_page()
    page.goto(url + "/events/idm-2024-geneva/agenda")
    page.emulate_media(media="print")
    assert not page.locator("form.filters").is_visible()
    assert not page.locator(".site-header").is_visible()
    assert page.locator(".session-card").first.is_visible()
    page.close()


def test_awards_pages_fit_a_phone_and_reach_a_category_by_keyboard(site):
    url, browser = site
    page = browser.new_page(viewport={"width": 390, "height": 844})
    for path in ["/events/idm-2024-geneva/awards", "/events/idm-2024-geneva/awards/sample-category-a"]:
        page.goto(url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
    page.goto(url + "/events/idm-2024-geneva/awards")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Sample category B":
            break
    else:
        pytest.fail("the category link cannot be reached with Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/awards/sample-category-b")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Sample category B")
    page.close()
