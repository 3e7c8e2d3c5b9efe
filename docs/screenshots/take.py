"""Take the README's screenshots with Playwright and Debian's Chromium, from the demo data.

    .venv/bin/python docs/screenshots/take.py

Writes phone-agenda.png, phone-registration.png and desktop-register.png next to this file, and
prints a few measurements (page heights, characters per line).
"""
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from config import TestingConfig  # noqa: E402
from eventapp import create_app  # noqa: E402
from eventapp.cli import same_weekday_on_or_after  # noqa: E402
from eventapp.extensions import db  # noqa: E402
from eventapp.services.demo import load_demo  # noqa: E402
from eventapp.services.registration.register import register  # noqa: E402
from eventapp.services.registration.tokens import issue_token  # noqa: E402
from tests.browser import chromium, live_server  # noqa: E402


def main():
    with tempfile.TemporaryDirectory() as tmp:
        class Config(TestingConfig):
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp}/demo.sqlite"

        app = create_app(Config)
        with app.app_context():
            db.create_all()
            event = load_demo(same_weekday_on_or_after(date.today() + timedelta(days=14)))
            ceremony = next(s for s in event.sessions if s.requires_registration)
            registration = register(event, dict(
                first_name="Amaru", last_name="Quispe Huamán", email="amaru.quispe@example.org",
                organisation="Ministerio de Relaciones Exteriores del Perú", job_title="Second Secretary",
                stakeholder_group="member_state", country="PE", mode="in_person", sessions=[ceremony.id]),
                locale="en").registration
            token = issue_token(registration)
            db.session.commit()
            slug = event.slug
        with live_server(app) as url, chromium() as browser:
            phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
            phone.goto(f"{url}/events/{slug}/agenda?lang=en")
            print("phone agenda height:", phone.evaluate("document.documentElement.scrollHeight"), "px;",
                  "first session at y =", round(phone.locator(".session-card").first.bounding_box()["y"]))
            phone.screenshot(path=HERE / "phone-agenda.png")
            phone.goto(f"{url}/registrations/{token}")
            print("participant's page width at 390 px:", phone.evaluate("document.documentElement.scrollWidth"))
            phone.screenshot(path=HERE / "phone-registration.png", full_page=True)
            desktop = browser.new_page(viewport={"width": 1280, "height": 900})
            desktop.goto(f"{url}/events/{slug}/register?lang=en")
            desktop.screenshot(path=HERE / "desktop-register.png")
            desktop.goto(f"{url}/events/{slug}/agenda?lang=en")
            per_line = desktop.evaluate("""() => [...document.querySelectorAll('main p')]
                .filter(e => e.textContent.trim().length > 300)
                .map(e => Math.round(e.textContent.trim().length
                     / Math.round(e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight))))""")
            print("agenda at 1280 px, characters per line of long paragraphs:", per_line)


if __name__ == "__main__":
    main()
