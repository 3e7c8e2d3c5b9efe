"""Camera check-in on a phone whose browser has no BarcodeDetector (Safari on iPhone, Firefox).

Chromium reads a fake camera from a YUV4MPEG2 file showing the QR code of a real badge; the page
has BarcodeDetector removed, so the vendored jsQR library decodes the frames.
"""
from datetime import datetime, timedelta, timezone

import pytest
import segno

from config import TestingConfig
from eventapp import create_app
from eventapp.extensions import db
from eventapp.models import Event, EventStatus, RegistrationPolicy
from eventapp.services.accounts import create_user
from eventapp.services.desk import badges
from eventapp.services.registration.register import register

from .browser import CHROMIUM, CHROMIUM_ARGS, live_server, require_chromium
from .conftest import PASSWORD

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 640, 480


def write_y4m(path, value, frames=3):
    """A grey-scale video (4:2:0) of the QR code of `value`, black on white, centred."""
    matrix = segno.make(value, error="m", micro=False).matrix
    border = 4
    modules = len(matrix) + 2 * border
    scale = min(WIDTH, HEIGHT) * 9 // 10 // modules
    size = modules * scale
    left, top = (WIDTH - size) // 2, (HEIGHT - size) // 2
    luma = bytearray(b"\xff" * WIDTH * HEIGHT)
    for row_index, row in enumerate(matrix):
        for col_index, dark in enumerate(row):
            if not dark:
                continue
            x0 = left + (col_index + border) * scale
            y0 = top + (row_index + border) * scale
            for y in range(y0, y0 + scale):
                luma[y * WIDTH + x0:y * WIDTH + x0 + scale] = b"\x00" * scale
    chroma = b"\x80" * (WIDTH // 2) * (HEIGHT // 2) * 2
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode("ascii"))
        for _ in range(frames):
            out.write(b"FRAME\n")
            out.write(bytes(luma))
            out.write(chroma)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    require_chromium()
    folder = tmp_path_factory.mktemp("camera")

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder}/site.sqlite"

    app = create_app(Config)
    with app.app_context():
        db.create_all()
        start = datetime.now(timezone.utc) + timedelta(days=2)
        event = Event(slug="forum", title="Regional Forum on Labour Mobility", status=EventStatus.PUBLISHED,
                      starts_at=start, ends_at=start + timedelta(hours=8), timezone="America/Bogota")
        db.session.add(event)
        db.session.add(RegistrationPolicy(event=event, in_person_capacity=50,
                                          opens_at=datetime.now(timezone.utc) - timedelta(days=1)))
        db.session.flush()
        person = register(event, dict(first_name="Lucía", last_name="Restrepo", email="lucia@example.org",
                                      organisation="Ministerio del Trabajo", stakeholder_group="member_state",
                                      country="CO")).registration
        user = create_user("scanner@example.org", PASSWORD, "organiser")
        user.events = [event]
        db.session.commit()
        value = badges.checkin_value(person)  # exactly what the printed badge's QR code holds
        ids = {"event": event.id, "reference": person.reference}
    video = folder / "badge.y4m"
    write_y4m(video, value)
    with live_server(app) as url:
        yield url, ids, video
    with app.app_context():
        db.drop_all()


def test_a_badge_shown_to_the_camera_checks_the_person_in_without_barcode_detector(site):
    from playwright.sync_api import sync_playwright

    url, ids, video = site
    args = CHROMIUM_ARGS + ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                            f"--use-file-for-fake-video-capture={video}"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            context = browser.new_context(viewport={"width": 390, "height": 844})
            context.grant_permissions(["camera"], origin=url)
            # As on Safari for iPhone or Firefox: no native QR reader.
            context.add_init_script("delete window.BarcodeDetector; delete Window.prototype.BarcodeDetector;")
            page = context.new_page()
            page.goto(url + "/manage/login")
            page.fill("input[name=email]", "scanner@example.org")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.goto(f"{url}/manage/events/{ids['event']}/checkin")
            assert page.evaluate("'BarcodeDetector' in window") is False
            assert page.evaluate("typeof window.jsQR") == "function"
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            scanner = page.locator("#checkin-scanner")
            assert scanner.is_visible()
            assert scanner.get_attribute("data-reader") == "jsqr"
            page.click("#checkin-camera")
            page.wait_for_selector(".outcome-checked_in", timeout=20000)
            result = page.inner_text("#checkin-result")
            assert "Checked in now" in result
            assert "Lucía Restrepo" in result and ids["reference"] in result
            assert "1 of 1 confirmed people checked in" in page.inner_text("#checkin-counts")
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
        finally:
            browser.close()
