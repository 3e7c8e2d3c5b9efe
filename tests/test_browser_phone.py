"""Every public page and the participant's own pages on a 390 px phone, in English, French and Spanish.

The data holds the long words people really type: a long organisation, a long e-mail address, a
long unbroken word in a title. Nothing may make the page wider than the window
(`document.documentElement.scrollWidth`, not just the viewport). One browser, one page, reused.
"""
from datetime import date, timedelta

import pytest

from config import TestingConfig
from eventapp import create_app
from eventapp.extensions import db
import sqlalchemy as sa

from eventapp.models import AwardCategory, EventSession, Person, SessionSpeaker
from eventapp.services.accounts import create_user
from eventapp.services.demo import load_demo
from eventapp.services.desk.checkin import check_in
from eventapp.services.registration.register import register
from eventapp.services.registration.tokens import issue_token

from .browser import chromium, live_server, require_chromium
from .conftest import PASSWORD

pytestmark = pytest.mark.browser

LONG_ORGANISATION = ("Ministère de l'Europe et des Affaires étrangères, Direction générale de la mondialisation, "
                     "Internationalisierungsbeauftragtenkommissionsvorsitzende")
LONG_EMAIL = "amaru.quispe.huaman.delegacion-permanente@ministerio-de-relaciones-exteriores.example.org"
LONG_WORD = "Migrationsgovernancekapazitätsentwicklungsprogramm"
WIDTH = 390


@pytest.fixture(scope="module")
def phone_site(tmp_path_factory):
    require_chromium()

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path_factory.mktemp('phone')}/site.sqlite"

    app = create_app(Config)
    with app.app_context():
        db.create_all()
        event = load_demo(date.today() + timedelta(days=14))  # registration open
        event.venue_address = "Rue de Varembé 17, CH-1211 Genève 20, Case postale 13, " + LONG_WORD
        start = event.starts_at + timedelta(hours=1)
        long_session = EventSession(event=event, title=f"{LONG_WORD}: {LONG_WORD} and partners",
                                    description=f"{LONG_WORD} " * 12, starts_at=start,
                                    ends_at=start + timedelta(minutes=30), requires_registration=True, capacity=30)
        speaker = Person(slug="speaker-long", name="María Fernanda Quispe Huamán de la Vega y Alcántara",
                         affiliation=LONG_ORGANISATION)
        long_session.speakers.append(SessionSpeaker(person=speaker, role="panelist", position=0))
        db.session.add(long_session)
        db.session.flush()
        registration = register(event, dict(
            first_name="Amaru Maximiliano Alessandro", last_name="Quispe Huamán de la Vega", email=LONG_EMAIL,
            organisation=LONG_ORGANISATION, job_title=LONG_WORD, stakeholder_group="member_state", country="PE",
            accessibility_needs=LONG_WORD, sessions=[long_session.id]), locale="en").registration
        token = issue_token(registration)
        user = create_user("desk@example.org", PASSWORD, "admin")
        db.session.flush()
        check_in(event, registration.reference, actor=user)
        db.session.commit()
        ids = {"slug": event.slug, "event": event.id, "token": token, "session": long_session.id,
               "reference": registration.reference,
               "speaker": speaker.slug,
               "category": db.session.scalars(sa.select(AwardCategory.slug).order_by(AwardCategory.id)).first()}
    with live_server(app) as url, chromium() as browser:
        page = browser.new_page(viewport={"width": WIDTH, "height": 844})
        yield url, page, ids
        page.close()
    with app.app_context():
        db.drop_all()


def public_paths(ids):
    slug = ids["slug"]
    return [
        "/", f"/events/{slug}/", f"/events/{slug}/agenda", f"/events/{slug}/sessions/{ids['session']}",
        f"/events/{slug}/speakers/", f"/events/{slug}/speakers/{ids['speaker']}", f"/events/{slug}/agenda/changes",
        f"/events/{slug}/register", f"/events/{slug}/lost-link", f"/events/{slug}/participants",
        f"/events/{slug}/awards", f"/events/{slug}/awards/{ids['category']}", "/events/m4sd-board-rabat-2022/",
        "/privacy",
    ]


def own_paths(ids):
    base = f"/registrations/{ids['token']}"
    return [base, f"{base}/edit", f"{base}/sessions", f"{base}/cancel", f"{base}/badge", f"{base}/delete"]


def overflow(page, url):
    response = page.goto(url)
    assert response.status < 400, (url, response.status)
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def test_every_public_and_own_page_fits_a_390_px_phone_in_three_languages(phone_site):
    url, page, ids = phone_site
    too_wide = []
    for lang in ("en", "fr", "es"):
        for path in public_paths(ids) + own_paths(ids):
            scroll, window = overflow(page, f"{url}{path}?lang={lang}")
            assert window == WIDTH
            if scroll > window:
                too_wide.append((lang, path.replace(ids["token"], "TOKEN"), scroll))
        # The page that answers the "lost your link?" form.
        page.goto(f"{url}/events/{ids['slug']}/lost-link?lang={lang}")
        page.fill("input[name=email]", LONG_EMAIL)
        page.click("main form button[type=submit]")
        page.wait_for_url("**/lost-link/sent")
        if page.evaluate("document.documentElement.scrollWidth") > WIDTH:
            too_wide.append((lang, "lost-link/sent", page.evaluate("document.documentElement.scrollWidth")))
    assert too_wide == []


def test_the_manage_pages_with_long_names_fit_a_phone(phone_site):
    url, page, ids = phone_site
    page.goto(url + "/manage/login")
    page.fill("input[name=email]", "desk@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    too_wide = []
    unreachable = []
    for path in ["/manage/audit", f"/manage/events/{ids['event']}/registrations/",
                 f"/manage/events/{ids['event']}/registrations/figures"]:
        scroll, window = overflow(page, url + path)
        if scroll > window:
            too_wide.append((path, scroll))
        # Tables that scroll sideways on a phone can be reached and scrolled with the keyboard.
        from axe_playwright_python.sync_playwright import Axe

        result = Axe().run(page, options={"runOnly": ["scrollable-region-focusable"]}).response
        unreachable += [(path, n["target"]) for v in result["violations"] for n in v["nodes"]]
    assert unreachable == []
    # The check-in result names the person and their long organisation.
    page.goto(f"{url}/manage/events/{ids['event']}/checkin")
    page.fill("input[name=q]", ids["reference"])
    page.click("#checkin-form button[type=submit]")
    page.wait_for_selector(".checkin-person")
    assert "Internationalisierungsbeauftragtenkommissionsvorsitzende" in page.inner_text(".checkin-person")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if scroll > WIDTH:
        too_wide.append(("check-in result", scroll))
    assert too_wide == []


def test_phone_agenda_shows_sessions_first_and_keeps_my_agenda_in_view(phone_site):
    url, page, ids = phone_site
    page.goto(f"{url}/events/{ids['slug']}/agenda?lang=en")
    # Filters and calendar choices are folded; the first session starts on the first screen.
    assert page.evaluate("[...document.querySelectorAll('details[data-fold-on-phone]')].every(d => !d.open)")
    assert page.locator(".session-card").first.bounding_box()["y"] < 844
    # A long description is folded behind "More", which unfolds it.
    more = page.locator(".more-toggle").first
    assert more.get_attribute("aria-expanded") == "false"
    more.click()
    assert more.get_attribute("aria-expanded") == "true" and more.inner_text() == "Less"
    # Marking sessions shows the "My agenda (N)" bar at the bottom of the window.
    toggles = page.locator("[data-my-agenda-toggle]")
    toggles.nth(0).click()
    toggles.nth(2).click()
    bar = page.locator("[data-my-agenda-bar]")
    assert bar.inner_text().strip() == "My agenda (2)"
    box = bar.bounding_box()
    assert box["y"] + box["height"] <= 844 + 1  # in view while the page scrolls
    page.locator("[data-my-agenda-bar-link]").click()
    assert page.evaluate("document.getElementById('my-agenda').closest('details').open")
    page.evaluate("localStorage.clear()")


def test_without_javascript_every_disclosure_is_open(phone_site):
    url, page, ids = phone_site
    context = page.context.browser.new_context(java_script_enabled=False, viewport={"width": WIDTH, "height": 844})
    plain = context.new_page()
    plain.goto(f"{url}/events/{ids['slug']}/agenda")
    assert plain.evaluate("[...document.querySelectorAll('details[data-fold-on-phone]')].every(d => d.open)")
    assert plain.locator(".more-toggle").count() == 0
    assert plain.evaluate("document.documentElement.scrollWidth") <= WIDTH
    context.close()


def test_the_badge_qr_code_is_large_enough_to_scan_on_a_phone(phone_site):
    url, page, ids = phone_site
    page.goto(f"{url}{own_paths(ids)[4]}")
    assert page.locator(".name-badge-qr svg").bounding_box()["width"] >= 240


def test_a_failed_submit_moves_focus_to_the_error_summary(phone_site):
    url, page, ids = phone_site
    page.goto(f"{url}/events/{ids['slug']}/register?lang=en")
    page.click("main form.form button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.get_attribute(".error-summary", "role") == "alert"
    summary = page.inner_text(".error-summary")
    assert "?:" not in summary and "::" not in summary


def test_desktop_form_sits_beside_the_event_summary_and_lines_stay_readable(phone_site):
    url, page, ids = phone_site
    page.set_viewport_size({"width": 1280, "height": 900})
    try:
        page.goto(f"{url}/events/{ids['slug']}/register?lang=en")
        form, summary = page.locator(".register-main").bounding_box(), page.locator(".event-summary").bounding_box()
        assert summary["x"] > form["x"] + form["width"] - 1 and abs(summary["y"] - form["y"]) < 5
        assert "places left" in page.inner_text(".event-summary")
        # About 70-80 characters a line on the agenda and session pages.
        for path in (f"/events/{ids['slug']}/agenda", f"/events/{ids['slug']}/sessions/{ids['session']}"):
            page.goto(url + path)
            # Characters per line of the long paragraphs: their length over their number of lines.
            per_line = page.evaluate("""() => [...document.querySelectorAll('main p')]
                .filter(e => e.textContent.trim().length > 300)
                .map(e => e.textContent.trim().length
                     / Math.round(e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight)))""")
            assert per_line and max(per_line) <= 85, (path, per_line)
        assert page.request.get(url + "/favicon.ico").status == 200
    finally:
        page.set_viewport_size({"width": WIDTH, "height": 844})


def axe_violations(page, url):
    """axe-core's violations on the page at `url`, as "rule: target" strings."""
    from axe_playwright_python.sync_playwright import Axe

    page.goto(url)
    results = Axe().run(page).response
    return [f"{v['id']} ({v['impact']}): {n['target']}" for v in results["violations"] for n in v["nodes"]]


def test_axe_finds_no_violation_on_the_public_and_own_pages(phone_site):
    url, page, ids = phone_site
    found = {}
    slug, own = ids["slug"], own_paths(ids)
    # The pages a participant goes through, kept few so that the test stays quick.
    checks = [("en", path) for path in (f"/events/{slug}/", f"/events/{slug}/agenda",
                                        f"/events/{slug}/sessions/{ids['session']}", f"/events/{slug}/register",
                                        own[0], own[1], own[4])]
    checks += [(lang, own[0]) for lang in ("fr", "es")]
    for lang, path in checks:
        violations = axe_violations(page, f"{url}{path}?lang={lang}")
        if violations:
            found[(lang, path.replace(ids["token"], "TOKEN"))] = violations
    page.set_viewport_size({"width": 1280, "height": 900})
    try:
        for path in (f"/events/{slug}/agenda", f"/events/{slug}/register"):
            violations = axe_violations(page, f"{url}{path}")
            if violations:
                found[("1280", path.replace(ids["token"], "TOKEN"))] = violations
    finally:
        page.set_viewport_size({"width": WIDTH, "height": 844})
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())


CONTRAST = """el => {
  const rgb = c => c.match(/[\\d.]+/g).map(Number);
  const lum = c => { const [r, g, b] = rgb(c).slice(0, 3).map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  // The ring is drawn outside the element, on the background of its nearest painted ancestor.
  let bg = el.parentElement;
  while (bg && (getComputedStyle(bg).backgroundColor === 'rgba(0, 0, 0, 0)')) { bg = bg.parentElement; }
  const back = bg ? getComputedStyle(bg).backgroundColor : 'rgb(255, 255, 255)';
  const ring = getComputedStyle(el).outlineColor;
  const [a, b] = [lum(ring), lum(back)].sort((x, y) => y - x);
  return [(a + 0.05) / (b + 0.05), getComputedStyle(el).outlineStyle];
}"""


def test_the_focus_ring_has_a_contrast_of_at_least_3_to_1_where_it_appears(phone_site):
    url, page, ids = phone_site
    page.goto(f"{url}/events/{ids['slug']}/agenda?lang=en")
    weakest = []
    for _ in range(25):  # the skip link, the header, the event navigation, the page's first controls
        page.keyboard.press("Tab")
        ratio, style = page.evaluate_handle("document.activeElement").evaluate(CONTRAST)
        assert style != "none"
        weakest.append((round(ratio, 2), page.evaluate("document.activeElement.textContent.trim().slice(0, 30)")))
    print("weakest focus ring contrast:", min(weakest))
    assert min(weakest)[0] >= 3, min(weakest)
