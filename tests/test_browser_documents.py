"""Documents in a real browser on a 390 px phone: the public lists and the organisers' upload form."""
import pytest

from config import TestingConfig
from eventapp import create_app
from eventapp.extensions import db
from eventapp.services.accounts import create_user
from eventapp.services.demo import load_demo
from eventapp.services.documents import documents

from .browser import chromium, live_server, require_chromium
from .conftest import PASSWORD

pytestmark = pytest.mark.browser

LONG = "Background paper on labour mobility, skills partnerships and the recognition of qualifications"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    require_chromium()
    folder = tmp_path_factory.mktemp("documents")

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder}/site.sqlite"

    app = create_app(Config)
    with app.app_context():
        db.create_all()
        event = load_demo()
        session = event.sessions[1]
        for values, name in [({"title": LONG, "kind": "background_paper", "access": "public", "session_id": None},
                              "a-very-long-file-name-without-any-space-to-break-it-on-a-phone.pdf"),
                             ({"title": "Panel slides", "kind": "presentation", "access": "public", "session_id": session.id},
                              "slides.pdf")]:
            document = documents.add_document(event, values, "en", name, b"%PDF-1.4\n%%EOF\n", None)
            documents.put_file(document, "fr", name, b"%PDF-1.4\n% fr\n%%EOF\n", None)
        user = create_user("docs@example.org", PASSWORD, "organiser")
        user.events = [event]
        db.session.commit()
        ids = {"event": event.id, "session": session.id, "slug": event.slug}
    with live_server(app) as url, chromium() as browser:
        yield url, browser, ids
    with app.app_context():
        db.drop_all()


def test_document_lists_and_the_upload_form_fit_a_390_px_phone(site, tmp_path):
    url, browser, ids = site
    page = browser.new_page(viewport={"width": 390, "height": 844})
    for path in [f"/events/{ids['slug']}/", f"/events/{ids['slug']}/sessions/{ids['session']}", f"/events/{ids['slug']}/agenda"]:
        page.goto(url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    page.goto(url + f"/events/{ids['slug']}/")
    assert page.locator(".documents .document-link").first.inner_text() == LONG

    page.goto(url + "/manage/login")
    page.fill("input[name=email]", "docs@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/manage/")
    page.goto(url + f"/manage/events/{ids['event']}/documents/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    upload = tmp_path / "note.txt"
    upload.write_text("Plain notes from the panel.\n", encoding="utf-8")
    page.fill("#title", "Panel notes")
    page.set_input_files("#file", str(upload))
    page.locator("#file").focus()
    page.keyboard.press("Tab")  # the keyboard reaches the upload button
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Document “Panel notes” uploaded." in page.inner_text("body")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()
