"""Reminders before the event: once per confirmed participant, at the right time, with what each needs."""
from datetime import datetime, timedelta, timezone

import icalendar
import pytest
import sqlalchemy as sa

from eventapp.extensions import db
from eventapp.models import OutboxMessage, RegistrationReminder
from eventapp.services import mail
from eventapp.services.registration import notices, online, reminders

UTC = timezone.utc
URL = "https://meet.example.org/j/idm-2231-secret"


def plain(message):
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def hybrid_event(open_event):
    """The open event (in 30 days) made hybrid, at a venue with an address, with an online link."""
    open_event.venue_name = "CICG"
    open_event.venue_address = "Rue de Varembé 17"
    open_event.city = "Geneva"
    open_event.registration_policy.is_hybrid = True
    online.save_event_online(open_event, {"url": URL, "passcode": "8841", "reminder_hours_before": 48}, None,
                             mailer=notices.registration_mail)
    db.session.commit()
    return open_event


def test_reminders_go_once_at_the_right_time_through_smtp_with_the_right_content_per_mode(
        hybrid_event, make_registration, make_session, smtp):
    event = hybrid_event
    make_session(event, title="Opening plenary")
    due_at = event.starts_at - timedelta(hours=48)
    venue = make_registration(event, mode="in_person", email="venue@example.org")
    remote = make_registration(event, mode="online", email="remote@example.org")
    for state in ("waitlisted", "pending", "cancelled"):
        make_registration(event, mode="online", state=state, email=f"{state}@example.org")
    late = make_registration(event, mode="in_person", email="late@example.org")
    late.created_at = due_at + timedelta(hours=1)  # registered after the reminder time
    db.session.commit()

    # Not before the reminder time.
    assert reminders.queue_due_reminders(now=due_at - timedelta(minutes=1)) == 0
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0

    assert reminders.queue_due_reminders(now=due_at + timedelta(minutes=5)) == 2
    db.session.commit()
    assert mail.send_due().sent == 2
    assert sorted(m["To"] for m in smtp.messages) == ["remote@example.org", "venue@example.org"]

    [in_person] = smtp.to("venue@example.org")
    assert in_person["Subject"] == f"Reminder: {event.title} is coming soon"
    body = plain(in_person)
    assert "You take part in person" in body and "Venue: CICG, Rue de Varembé 17, Geneva" in body
    assert "https://events.example.org/registrations/" in body and "/badge" in body
    assert URL not in in_person.as_string() and "8841" not in body
    [ics] = list(in_person.iter_attachments())
    assert ics.get_content_type() == "text/calendar" and ics.get_filename() == f"{venue.reference}.ics"
    assert "Opening plenary (Confirmed)" in [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(ics.get_content()).walk("VEVENT")]

    [remote_message] = smtp.to("remote@example.org")
    body = plain(remote_message)
    assert "You take part online" in body and URL in body and "Passcode: 8841" in body
    assert f'<a href="{URL}">' in remote_message.get_body(preferencelist=("html",)).get_content()
    assert "/badge" not in body and "Venue:" not in body
    assert [a.get_filename() for a in remote_message.iter_attachments()] == [f"{remote.reference}.ics"]

    # A second run, later but before the start, sends nothing; nor does one after the start.
    assert reminders.queue_due_reminders(now=due_at + timedelta(hours=1)) == 0
    assert reminders.queue_due_reminders(now=event.starts_at + timedelta(minutes=1)) == 0
    db.session.commit()
    assert mail.send_due().sent == 0 and len(smtp.messages) == 2
    recorded = db.session.scalars(sa.select(RegistrationReminder.registration_id)).all()
    assert sorted(recorded) == sorted([venue.id, remote.id])


def test_the_reminder_time_follows_the_setting_and_none_switches_reminders_off(hybrid_event, make_registration):
    event = hybrid_event
    make_registration(event)
    event.registration_policy.reminder_hours_before = 7 * 24
    db.session.commit()
    week_before = event.starts_at - timedelta(days=7)
    assert reminders.reminder_at(event) == week_before
    assert reminders.queue_due_reminders(now=week_before - timedelta(seconds=1)) == 0
    event.registration_policy.reminder_hours_before = None
    db.session.commit()
    assert reminders.reminder_at(event) is None
    assert reminders.queue_due_reminders(now=week_before + timedelta(days=1)) == 0
    event.registration_policy.reminder_hours_before = 7 * 24
    db.session.commit()
    assert reminders.queue_due_reminders(now=week_before + timedelta(days=1)) == 1


def test_a_draft_event_gets_no_reminders_and_a_run_is_bounded(hybrid_event, make_registration):
    event = hybrid_event
    for _ in range(3):
        make_registration(event)
    now = event.starts_at - timedelta(hours=1)
    assert reminders.queue_due_reminders(now=now, limit=2) == 2
    assert reminders.queue_due_reminders(now=now, limit=2) == 1
    assert reminders.queue_due_reminders(now=now) == 0
    event.status = "draft"
    make_registration(event)
    db.session.commit()
    assert reminders.queue_due_reminders(now=now) == 0


def test_the_mail_reminders_command_is_safe_to_run_again_and_again(runner, hybrid_event, make_registration, smtp,
                                                                   monkeypatch):
    """Run as cron would, on the real clock: the event starts in a day, the reminder was due yesterday."""
    event = hybrid_event
    event.starts_at = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    event.ends_at = event.starts_at + timedelta(hours=8)
    for address in ("venue@example.org", "other@example.org", "third@example.org"):
        person = make_registration(event, email=address)
        person.created_at = datetime.now(UTC) - timedelta(days=10)
    newcomer = make_registration(event, email="newcomer@example.org")  # registered now, after the reminder time
    db.session.commit()
    monkeypatch.setattr("eventapp.cli.REMINDER_BATCH", 1)  # one transaction per reminder
    result = runner.invoke(args=["mail", "reminders", "--limit", "2"])
    assert result.exit_code == 0 and "Reminders queued: 2." in result.output
    assert runner.invoke(args=["mail", "reminders"]).output.startswith("Reminders queued: 1.")
    assert runner.invoke(args=["mail", "reminders"]).output.startswith("Reminders queued: 0.")
    assert runner.invoke(args=["mail", "send"]).exit_code == 0
    assert sorted(m["To"] for m in smtp.messages) == ["other@example.org", "third@example.org", "venue@example.org"]
    assert newcomer.id not in db.session.scalars(sa.select(RegistrationReminder.registration_id)).all()


def test_mail_send_loop_queues_and_delivers_due_reminders(runner, hybrid_event, make_registration, smtp, monkeypatch):
    event = hybrid_event
    event.starts_at = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=3)
    person = make_registration(event, mode="online", email="remote@example.org")
    person.created_at = datetime.now(UTC) - timedelta(days=3)
    db.session.commit()
    passes = []

    def sleep(seconds):
        passes.append(seconds)
        if len(passes) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr("eventapp.cli.time.sleep", sleep)
    result = runner.invoke(args=["mail", "send", "--loop", "--interval", "1"])
    assert result.exit_code == 0 and "Reminders queued: 1." in result.output
    [message] = smtp.messages
    assert message["To"] == "remote@example.org" and URL in plain(message)


@pytest.mark.postgres
def test_two_runs_at_once_queue_each_reminder_once(app, hybrid_event, make_registration):
    """Two cron runs racing on PostgreSQL: the policy lock makes the second see the first one's records."""
    import threading

    for _ in range(20):
        make_registration(hybrid_event)
    now = hybrid_event.starts_at - timedelta(hours=1)
    counts, barrier = [], threading.Barrier(2)

    def run():
        with app.app_context():
            barrier.wait()
            counts.append(reminders.queue_due_reminders(now=now))
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(counts) == [0, 20]
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)).where(OutboxMessage.kind == "event_reminder")) == 20


def test_the_reminder_is_written_in_the_participants_language(hybrid_event, make_registration):
    make_registration(hybrid_event, mode="online", locale="es", email="ana@example.org")
    make_registration(hybrid_event, mode="in_person", locale="fr", email="luc@example.org")
    assert reminders.queue_due_reminders(now=hybrid_event.starts_at - timedelta(hours=2)) == 2
    spanish, french = (db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.recipient == a))
                       for a in ("ana@example.org", "luc@example.org"))
    assert spanish.subject == f"Recordatorio: {hybrid_event.title} se acerca"
    assert "Cómo participar en línea" in spanish.text_body and URL in spanish.text_body
    assert french.subject == f"Rappel : {hybrid_event.title} approche"
    assert "Vous participez sur place" in french.text_body and "Lieu : CICG" in french.text_body


def test_queries_per_reminder_stay_flat_as_the_event_grows(hybrid_event, make_registration, count_queries):
    counts = {}
    for size in (5, 25):
        for _ in range(size):
            make_registration(hybrid_event, mode="online")
        with count_queries() as statements:
            queued = reminders.queue_due_reminders(now=hybrid_event.starts_at - timedelta(hours=1))
        db.session.commit()
        assert queued == size
        counts[size] = len(statements) / size
    assert counts[25] <= counts[5], counts
