"""How long a message to 10,000 registrants takes to queue, on PostgreSQL.

    python tests/perf/participants.py --database-url postgresql://postgres@127.0.0.1:5432/DBNAME [--people 10000]

Empties the given database (drop_all, create_all), adds one event with that many confirmed
registrations in three languages, then times `messages.send_message` (one outbox e-mail, one
manage link and one log row per person) up to and including the commit. Not a test: pytest does
not collect it. Do not point it at a database you want to keep.
"""
import argparse
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--people", type=int, default=10_000)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    import sqlalchemy as sa

    from config import TestingConfig, database_url
    from eventapp import create_app
    from eventapp.extensions import db
    from eventapp.models import Event, EventStatus, OutboxMessage, Registration, RegistrationPolicy
    from eventapp.services.desk import messages
    from eventapp.services.desk.recipients import Filters

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url(args.database_url, name="PARTICIPANTS_BENCH_DATABASE_URL")

    app = create_app(Config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        start = datetime.now(timezone.utc) + timedelta(days=30)
        event = Event(slug="bench", title="Benchmark forum", status=EventStatus.PUBLISHED, starts_at=start,
                      ends_at=start + timedelta(hours=8), timezone="Europe/Zurich")
        db.session.add(event)
        db.session.flush()
        db.session.add(RegistrationPolicy(event=event, in_person_capacity=None))
        now = datetime.now(timezone.utc)
        db.session.execute(sa.insert(Registration), [
            dict(event_id=event.id, reference=f"BEN-{n:06d}", state="confirmed", mode="in_person",
                 first_name=f"First{n}", last_name=f"Last{n}", email=f"p{n}@example.org",
                 email_key=f"p{n}@example.org", organisation=f"Org {n % 300}", job_title="",
                 stakeholder_group="civil_society", country_code="CH", accessibility_needs="",
                 dietary_requirements="", privacy_consent_at=now, listed_publicly=False,
                 locale=("en", "fr", "es")[n % 3], created_at=now, updated_at=now)
            for n in range(args.people)
        ])
        db.session.commit()
        began = time.perf_counter()
        message = messages.send_message(event, Filters(state="confirmed"), "Practical information",
                                        "The doors open at 08:30.\n\nPlease bring an ID.", None)
        db.session.commit()
        elapsed = time.perf_counter() - began
        queued = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))
        print(f"message to {message.recipient_count} registrants: {elapsed:.1f} s "
              f"({elapsed / message.recipient_count * 1000:.2f} ms each), {queued} e-mails queued")
        db.session.remove()
        db.drop_all()


if __name__ == "__main__":
    main()
