"""Delegations and walk-ins in a real browser, on a 390 px phone, typed and submitted from the keyboard."""
from datetime import datetime, timedelta, timezone

import pytest

from config import TestingConfig
from eventapp import create_app
from eventapp.extensions import db
from eventapp.models import Event, EventStatus, QuestionChoice, RegistrationPolicy, RegistrationQuestion
from eventapp.services.accounts import create_user

from .browser import chromium, live_server, require_chromium
from .conftest import PASSWORD

pytestmark = pytest.mark.browser

#: Ids in the event that asks its own questions: the event, the visa question and the lunch question.
ASKING = {}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    require_chromium()

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path_factory.mktemp('delegations')}/site.sqlite"

    app = create_app(Config)
    with app.app_context():
        db.create_all()
        start = datetime.now(timezone.utc) + timedelta(days=2)
        event = Event(slug="idm", title="International Dialogue on Migration", status=EventStatus.PUBLISHED,
                      starts_at=start, ends_at=start + timedelta(hours=8), timezone="Europe/Zurich")
        db.session.add(event)
        db.session.add(RegistrationPolicy(event=event, in_person_capacity=1, accepts_delegations=True,
                                          opens_at=datetime.now(timezone.utc) - timedelta(days=1)))
        asking = Event(slug="idm-asks", title="IDM with questions", status=EventStatus.PUBLISHED,
                       starts_at=start, ends_at=start + timedelta(hours=8), timezone="Europe/Zurich")
        db.session.add(asking)
        db.session.add(RegistrationPolicy(event=asking, in_person_capacity=10, accepts_delegations=True,
                                          opens_at=datetime.now(timezone.utc) - timedelta(days=1)))
        visa = RegistrationQuestion(event=asking, position=0, kind="yes_no", is_required=True,
                                    label="Will you need a visa support letter?")
        lunch = RegistrationQuestion(event=asking, position=1, kind="single_choice", is_required=True, label="Lunch",
                                     choices=[QuestionChoice(label="Meat", position=0),
                                              QuestionChoice(label="Vegan", position=1)])
        db.session.add_all([visa, lunch])
        user = create_user("desk@example.org", PASSWORD, "organiser")
        user.events = [event, asking]
        db.session.commit()
        event_id = event.id
        ASKING.update(event=asking.id, visa=visa.id, lunch=lunch.id)
    with live_server(app) as url, chromium() as browser:
        yield url, browser, event_id
    with app.app_context():
        db.drop_all()


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_focal_point_registers_a_delegation_on_a_phone(site):
    url, browser, _event_id = site
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(url + "/events/idm/register/delegation")
    assert fits(page)
    page.fill("#name", "Permanent Mission of Ecuador")
    page.select_option("#stakeholder_group", "member_state")
    page.select_option("#country", "EC")
    page.fill("#focal_first_name", "Rosa")
    page.fill("#focal_last_name", "Salazar")
    page.fill("#focal_email", "focal@mission-ec.org")
    for i, (first, last) in enumerate((("Ana", "Zambrano"), ("Bruno", "Vera"))):
        page.fill(f"#members-{i}-first_name", first)
        page.fill(f"#members-{i}-last_name", last)
    page.focus("#privacy_consent")
    page.keyboard.press("Space")
    page.focus("#members-1-last_name")
    page.keyboard.press("Enter")
    page.wait_for_selector(".delegation-members")
    body = page.inner_text("main")
    assert "1 member has a confirmed place." in body
    assert "Places ran out: 1 member is on the waiting list (Bruno Vera)." in body
    assert fits(page)
    page.close()


def test_a_walk_in_is_registered_and_checked_in_from_the_phone(site):
    url, browser, event_id = site
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(url + "/manage/login")
    page.fill("input[name=email]", "desk@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(url + "/manage/")
    page.goto(f"{url}/manage/events/{event_id}/checkin")
    page.get_by_role("link", name="Register a walk-in").click()
    assert fits(page)
    page.fill("#first_name", "Nadia")
    page.fill("#last_name", "Rahman")
    page.select_option("#stakeholder_group", "civil_society")
    page.select_option("#country", "BD")
    page.focus("#over_capacity")
    page.keyboard.press("Space")
    page.focus("#last_name")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{url}/manage/events/{event_id}/checkin")
    assert "Nadia Rahman is registered" in page.inner_text("main")
    assert fits(page)
    page.close()


def _violations(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page).response
    return [f"{v['id']} ({v['impact']}): {n['target']}" for v in results["violations"] for n in v["nodes"]]


def test_each_member_answers_the_events_questions_on_a_phone_with_the_keyboard(site):
    url, browser, _event_id = site
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(url + "/events/idm-asks/register/delegation")
    assert fits(page)
    assert _violations(page) == []
    page.fill("#name", "Permanent Mission of Chile")
    page.select_option("#stakeholder_group", "member_state")
    page.select_option("#country", "CL")
    page.fill("#focal_first_name", "Rosa")
    page.fill("#focal_last_name", "Salazar")
    page.fill("#focal_email", "focal@mission-cl.org")
    page.fill("#members-0-first_name", "Ana")
    page.fill("#members-0-last_name", "Zambrano")
    page.focus(f"#members-0-q{ASKING['visa']}-0")  # "Yes" of the visa question; Lunch is left unanswered
    page.keyboard.press("Space")
    page.focus("#privacy_consent")
    page.keyboard.press("Space")
    page.focus("#members-0-last_name")
    page.keyboard.press("Enter")
    page.wait_for_selector(".error-summary")
    assert "Lunch: Please choose an answer." in page.inner_text(".error-summary")
    assert fits(page)
    assert _violations(page) == []
    page.get_by_role("link", name="Lunch: Please choose an answer.").click()
    page.focus(f"#members-0-q{ASKING['lunch']}-1")
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    page.wait_for_selector(".delegation-members")
    assert "1 member has a confirmed place." in page.inner_text("main")
    assert fits(page)
    page.close()


def test_the_desks_add_form_asks_the_questions_and_fits_a_phone(site):
    url, browser, _event_id = site
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(url + "/manage/login")
    page.fill("input[name=email]", "desk@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(url + "/manage/")
    for path in ("registrations/new", "checkin/walk-in"):
        page.goto(f"{url}/manage/events/{ASKING['event']}/{path}")
        assert "Required on the public form; you may leave it empty here." in page.inner_text("main")
        assert fits(page), path
    page.fill("#first_name", "Nadia")
    page.fill("#last_name", "Rahman")
    page.select_option("#stakeholder_group", "civil_society")
    page.select_option("#country", "BD")
    page.focus(f"#q{ASKING['lunch']}-1")
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    page.wait_for_url("**/checkin")
    assert "Nadia Rahman is registered" in page.inner_text("main")
    page.close()

