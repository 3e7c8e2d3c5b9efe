"""The registration questions in a real browser: a 390 px phone and the keyboard alone."""
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from config import TestingConfig
from eventapp import create_app
from eventapp.extensions import db
from eventapp.models import OutboxMessage
from eventapp.services.accounts import create_user
from eventapp.services.demo import load_demo
from eventapp.services.registration import questions as question_rules
from eventapp.services.registration.register import register

from .browser import chromium, live_server, require_chromium
from .conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    require_chromium()

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path_factory.mktemp('questions')}/site.sqlite"

    app = create_app(Config)
    with app.app_context():
        db.create_all()
        event = load_demo(date.today() + timedelta(days=14))
        user = create_user("organiser@example.org", PASSWORD, "organiser")
        user.events = [event]
        questions = []
        for item in (
            dict(kind="short_text", label="Which Permanent Mission or organisation do you represent?", is_required=True),
            dict(kind="yes_no", label="Will you need a visa support letter?", is_required=True, asked_of="in_person"),
            dict(kind="multiple_choice", label="Interpretation needs", choices="English\nFrench\nSpanish\nInternational Sign"),
            dict(kind="single_choice", label="Do you wish to take the floor?", is_required=True, widget="select",
                 choices="Yes, in the plenary\nYes, in a panel\nNo"),
        ):
            questions.append(question_rules.add_question(event, item, user))
        mission, visa, interpretation, floor = questions
        person = register(event, dict(first_name="Amina", last_name="Diallo", email="amina@example.org",
                                      stakeholder_group="member_state", country="SN", mode="in_person"),
                          answers={mission.id: "Permanent Mission of the Plurinational State of Bolivia to the UN",
                                   visa.id: "yes", interpretation.id: [c.id for c in interpretation.choices],
                                   floor.id: floor.choices[0].id}).registration
        db.session.commit()
        link = re.search(r"/registrations/[A-Za-z0-9_-]{40,}", db.session.scalars(sa.select(OutboxMessage.text_body)).first())
        ids = {"event": event.id, "slug": event.slug, "registration": person.id, "manage": link.group(0)}
    with live_server(app) as url, chromium() as browser:
        yield url, browser, ids
    with app.app_context():
        db.drop_all()


def test_the_questions_fit_a_phone_and_the_form_is_filled_with_the_keyboard_alone(site):
    url, browser, ids = site
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{url}/events/{ids['slug']}/register")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("button[type=submit]")  # nothing filled in: the summary names the questions too
    summary = page.inner_text(".error-summary")
    assert "Which Permanent Mission or organisation do you represent? Please answer this question." in summary
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.goto(f"{url}/events/{ids['slug']}/register")
    page.focus("input[name=first_name]")
    for value in ("Amina", "Diallo", "amina@example.org", "Permanent Mission of Senegal"):
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    mission = page.locator("label", has_text="Which Permanent Mission").get_attribute("for")
    page.focus(f"#{mission}")
    assert page.evaluate("document.activeElement.id") == mission
    page.keyboard.type("Permanent Mission of Senegal")
    page.keyboard.press("Tab")  # to the visa question's first radio button
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.type") == "radio" and page.evaluate("document.activeElement.checked")
    for path in (ids["manage"], ids["manage"] + "/answers"):
        page.goto(url + path)
        assert "Permanent Mission of the Plurinational State" in page.content()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    page.close()

    manage = browser.new_page(viewport={"width": 390, "height": 844})
    manage.goto(url + "/manage/login")
    manage.fill("input[name=email]", "organiser@example.org")
    manage.fill("input[name=password]", PASSWORD)
    manage.click("button[type=submit]")
    for path in ("registrations/questions", "registrations/questions/new", "registrations/settings",
                 "registrations/?show=1&show=2&show=3&show=4", f"registrations/{ids['registration']}",
                 f"registrations/{ids['registration']}/answers"):
        manage.goto(f"{url}/manage/events/{ids['event']}/{path}")
        assert manage.evaluate("document.documentElement.scrollWidth") <= 390, path
    manage.close()
