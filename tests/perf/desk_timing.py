"""Timings of the registrations desk with 10,000 registrations: list, figures, CSV and Excel export.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/somedb python tests/perf/desk_timing.py [--registrations 10000] [--repeat 5]

Without DATABASE_URL (or TEST_DATABASE_URL) it uses a temporary SQLite file. The tables of the
database named are DROPPED and created again: point it at a scratch database. Requests go through
the whole application in-process (Flask test client, signed in as an admin), so the figures are
server time without the network. pytest does not collect it (the name does not start with test_).
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from config import TestingConfig, database_url  # noqa: E402

GROUPS = ("member_state", "un_system", "civil_society", "private_sector", "academia", "diaspora", "media")
COUNTRIES = ("SN", "CH", "MX", "PH", "FR", "KE", "BD", "MA", "CO", "DE", "NG", "IN")
STATES = ("confirmed",) * 6 + ("pending", "waitlisted", "declined", "cancelled")


def build(db, registrations):
    from eventapp.models import (Event, EventSession, EventStatus, Registration, RegistrationPolicy, SessionBooking)
    from eventapp.services.accounts import create_user

    now = datetime.now(timezone.utc)
    start = now.replace(microsecond=0) + timedelta(days=60)
    event = Event(slug="desk-bench", title="International Dialogue on Migration", status=EventStatus.PUBLISHED,
                  starts_at=start, ends_at=start + timedelta(hours=9), timezone="Europe/Zurich", venue_name="Palais")
    db.session.add(event)
    db.session.add(RegistrationPolicy(event=event, in_person_capacity=registrations, online_capacity=None,
                                      is_hybrid=True, reference_prefix="IDM"))
    sessions = [EventSession(event=event, title=f"Workshop {n}", starts_at=start + timedelta(hours=n),
                             ends_at=start + timedelta(hours=n + 1), description="", requires_registration=True,
                             capacity=400) for n in range(1, 4)]
    db.session.add_all(sessions)
    create_user("bench@example.org", "correct horse battery staple", "admin")
    db.session.commit()
    rows = []
    for n in range(registrations):
        state = STATES[n % len(STATES)]
        rows.append(dict(
            event_id=event.id, reference=f"IDM-{n:06d}", state=state, mode="online" if n % 4 == 0 else "in_person",
            waitlisted_at=now if state == "waitlisted" else None,
            first_name=f"Given{n}", last_name=f"Family{n:05d}", email=f"person{n}@example.org",
            email_key=f"person{n}@example.org", organisation=f"=Organisation {n % 300}" if n % 500 == 0 else f"Organisation {n % 300}",
            job_title="Policy officer", stakeholder_group=GROUPS[n % len(GROUPS)],
            country_code=COUNTRIES[n % len(COUNTRIES)], accessibility_needs="", dietary_requirements="",
            privacy_consent_at=now, listed_publicly=False, locale="en",
            created_at=now - timedelta(days=n % 45, minutes=n % 1440), updated_at=now,
        ))
    db.session.execute(sa.insert(Registration), rows)
    ids = db.session.scalars(sa.select(Registration.id).where(Registration.event_id == event.id)
                             .order_by(Registration.id)).all()
    bookings = [dict(registration_id=rid, session_id=sessions[n % 3].id, state="confirmed", created_at=now)
                for n, rid in enumerate(ids[: registrations // 3])]
    db.session.execute(sa.insert(SessionBooking), bookings)
    db.session.commit()
    return event.id


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per target (the median is printed)")
    args = parser.parse_args()

    url = database_url() or database_url(name="TEST_DATABASE_URL")
    workdir = None
    if not url:
        workdir = tempfile.mkdtemp(prefix="desk-timing-")
        url = f"sqlite:///{workdir}/desk.sqlite"

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url
        RATELIMIT_ENABLED = False

    from eventapp import create_app
    from eventapp.extensions import db

    app = create_app(Config)
    with app.app_context():
        print(f"database: {db.engine.url.render_as_string(hide_password=True)}")
        db.drop_all()
        db.create_all()
        began = time.perf_counter()
        event_id = build(db, args.registrations)
        print(f"built {args.registrations} registrations in {time.perf_counter() - began:.1f} s")

        statements = []
        sa.event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        client = app.test_client()
        assert client.post("/manage/login", data={"email": "bench@example.org",
                                                  "password": "correct horse battery staple"}).status_code == 302
        base = f"/manage/events/{event_id}/registrations/"
        targets = [
            ("list, first page", base),
            ("list, page 100", base + "?page=100"),
            ("list, search + 2 filters, sorted by name", base + "?q=family00&state=confirmed&country=SN&sort=name"),
            ("figures", base + "figures"),
            ("CSV export, all rows, default columns", base + "export.csv"),
            ("Excel export, all rows, default columns", base + "export.xlsx"),
            ("Excel export, all rows, every column", base + "export.xlsx?" + "&".join(
                f"columns={c}" for c in ("reference", "first_name", "last_name", "email", "organisation", "job_title",
                                         "stakeholder_group", "country", "mode", "state", "sessions", "registered_at",
                                         "accessibility_needs", "dietary_requirements", "language"))),
        ]
        print(f"{'target':45} {'median ms':>10} {'min ms':>8} {'queries':>8} {'bytes':>10}")
        for name, path in targets:
            client.get(path)  # warm-up
            times = []
            for _ in range(args.repeat):
                statements.clear()
                began = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            print(f"{name:45} {statistics.median(times):10.1f} {min(times):8.1f} {len(statements):8d} "
                  f"{len(response.data):10d}")
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    if workdir:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("SECRET_KEY", "desk-timing")
    main()
