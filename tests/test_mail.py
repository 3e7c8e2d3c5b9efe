"""E-mail through a real SMTP server: content, absolute links, outage and redelivery exactly once."""
import re
import threading
from collections import Counter
from datetime import datetime, timedelta, timezone

import icalendar
import pytest
import sqlalchemy as sa

from config import TestingConfig
from eventapp import create_app
from eventapp.extensions import db
from eventapp.models import MailStatus, OutboxMessage, RegistrationPolicy
from eventapp.services import mail

from .conftest import Inbox, free_port, outbox, register_data, smtp_controller, text

UTC = timezone.utc


def register(client, event, **changes):
    return client.post(f"/events/{event.slug}/register", data=register_data(**changes), follow_redirects=True)


def test_confirmation_arrives_with_text_html_calendar_and_headers(client, open_event, make_session, smtp):
    gala = make_session(open_event, title="Gala dinner", requires_registration=True, capacity=10)
    register(client, open_event, first_name="Zoë", sessions=[str(gala.id)])
    result = mail.send_due()
    assert (result.sent, result.retrying, result.failed) == (1, 0, 0)
    [message] = smtp.messages
    assert message["To"] == "amina@example.org"
    assert message["From"] == TestingConfig.MAIL_DEFAULT_SENDER
    assert message["Subject"] == f"Registration confirmed: {open_event.title}"
    assert message["Auto-Submitted"] == "auto-generated"
    assert re.fullmatch(r"<.+@events\.example\.org>", message["Message-ID"])
    assert message["Date"]
    plain = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    reference = outbox()[0].registration_id and db.session.scalar(sa.text("select reference from registrations"))
    for body in (plain, html):
        assert "Dear Zoë," in body and reference in body and "Gala dinner" in body
    link = re.search(r"https://events\.example\.org/registrations/[A-Za-z0-9_-]{43}", plain).group(0)
    assert f'<a href="{link}">' in html
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == f"{reference}.ics"
    cal = icalendar.Calendar.from_ical(attachment.get_content())
    assert gala.uid in [str(e["UID"]) for e in cal.walk("VEVENT")]
    assert client.get(link.removeprefix("https://events.example.org")).status_code == 200


def test_links_use_the_public_base_url_never_the_request_host(client, open_event, smtp):
    client.post(f"/events/{open_event.slug}/register", data=register_data(), base_url="http://evil.example")
    mail.send_due()
    plain = smtp.messages[0].get_body(preferencelist=("plain",)).get_content()
    assert "evil.example" not in plain
    assert "https://events.example.org/registrations/" in plain
    assert f"https://events.example.org/events/{open_event.slug}/" in plain


def test_a_delivered_message_is_marked_sent_and_its_link_is_not_kept(client, open_event, smtp):
    register(client, open_event)
    mail.send_due()
    [row] = outbox()
    assert row.status == MailStatus.SENT and row.sent_at is not None and row.attempts == 1
    assert row.text_body == "" and row.html_body == ""
    assert (mail.send_due().sent, len(smtp.messages)) == (0, 1)


def test_during_an_outage_registrations_succeed_and_every_email_arrives_once_afterwards(app, client, open_event):
    port = free_port()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    for i in range(5):
        assert "An e-mail is on its way" in text(register(client, open_event, email=f"p{i}@example.org"))
    # Each pass stops at the first unreachable server; five passes have tried all five.
    passes = [mail.send_due() for _ in range(5)]
    assert [(p.sent, p.retrying) for p in passes] == [(0, 1)] * 5
    assert mail.send_due().retrying == 0  # back-off: nothing is due yet
    rows = outbox()
    assert all(r.status == MailStatus.QUEUED and r.attempts == 1 for r in rows)
    assert "Connection refused" in rows[0].last_error

    inbox = Inbox()
    controller = smtp_controller(inbox, port)
    controller.start()
    try:
        assert mail.send_due().sent == 0  # still backing off
        assert mail.send_due(datetime.now(UTC) + timedelta(minutes=5)).sent == 5
        assert mail.send_due(datetime.now(UTC) + timedelta(days=1)).sent == 0
    finally:
        controller.stop()
    assert Counter(m["To"] for m in inbox.messages) == {f"p{i}@example.org": 1 for i in range(5)}
    assert len({m["Message-ID"] for m in inbox.messages}) == 5
    db.session.expire_all()
    assert {r.status for r in outbox()} == {MailStatus.SENT}


def test_retries_back_off_exponentially():
    assert [mail.retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert mail.retry_delay(30) == timedelta(hours=6)


def test_an_address_the_server_refuses_for_good_is_not_retried(client, open_event, smtp):
    smtp.refuse.add("bounce@example.org")
    register(client, open_event, email="bounce@example.org")
    register(client, open_event, email="fine@example.org")
    result = mail.send_due()
    assert (result.sent, result.failed) == (1, 1)
    failed = outbox("bounce@example.org")[0]
    assert failed.status == MailStatus.FAILED and "550" in failed.last_error
    assert mail.send_due(datetime.now(UTC) + timedelta(days=2)).sent == 0
    assert [m["To"] for m in smtp.messages] == ["fine@example.org"]


def test_without_a_mail_server_the_worker_prints_each_email_in_full(client, open_event, make_session, runner):
    make_session(open_event, title="Opening")
    register(client, open_event)
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "To: amina@example.org" in result.output
    assert "Subject: Registration confirmed" in result.output
    assert re.search(r"https://events\.example\.org/registrations/[A-Za-z0-9_-]{43}", result.output)
    assert "[attachment: TEST-" in result.output
    assert "BEGIN:VCALENDAR" in result.output and "SUMMARY:Opening" in result.output  # the .ics itself
    assert "E-mail: sent 1, to retry 0, failed 0." in result.output
    assert outbox()[0].status == MailStatus.SENT


def test_mail_send_retry_failed_puts_given_up_messages_back(client, open_event, runner, smtp):
    smtp.refuse.add("amina@example.org")
    register(client, open_event)
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code != 0 and "could not be delivered" in result.output
    smtp.refuse.clear()
    result = runner.invoke(args=["mail", "send", "--retry-failed"])
    assert result.exit_code == 0 and "1 e-mails put back in the queue." in result.output
    assert [m["To"] for m in smtp.messages] == ["amina@example.org"]


def test_nothing_is_queued_when_the_change_is_rolled_back(app, open_event):
    from eventapp.services.registration import register as registrations

    registrations.register(open_event, dict(register_data(), sessions=[]))
    assert len(outbox()) == 1
    db.session.rollback()
    assert outbox() == []


@pytest.fixture
def file_app(app_config, tmp_path, database):
    """An app whose database a background thread can share: a file on SQLite, PostgreSQL as is."""

    class Config(app_config):
        MAIL_SEND_IMMEDIATELY = True
        if database == "sqlite":
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'immediate.sqlite'}"

    app = create_app(Config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def test_with_immediate_delivery_the_email_arrives_seconds_after_registering(file_app, smtp_server):
    from eventapp.models import Event

    controller, inbox = smtp_server
    file_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    start = datetime.now(UTC) + timedelta(days=3)
    event = Event(slug="now", title="Now", status="published", starts_at=start, ends_at=start + timedelta(hours=2),
                  timezone="UTC")
    db.session.add_all([event, RegistrationPolicy(event=event, reference_prefix="NOW")])
    db.session.commit()
    response = file_app.test_client().post("/events/now/register", data=register_data())
    assert response.status_code == 302
    inbox.wait_for(1, timeout=10)
    assert [m["To"] for m in inbox.messages] == ["amina@example.org"]
    for _ in range(100):  # the thread commits just after the server accepted the message
        db.session.expire_all()
        if db.session.scalar(sa.select(OutboxMessage.status)) == MailStatus.SENT:
            break
        threading.Event().wait(0.05)
    assert db.session.scalar(sa.select(OutboxMessage.status)) == MailStatus.SENT
    assert mail.send_due().sent == 0 and len(inbox.messages) == 1


@pytest.mark.postgres
def test_two_workers_at_once_deliver_each_email_exactly_once(app, client, open_event, smtp):
    for i in range(30):
        register(client, open_event, email=f"p{i}@example.org")
    assert len(outbox()) == 30
    results, errors = [], []

    def worker():
        with app.app_context():
            try:
                results.append(mail.send_due())
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sum(r.sent for r in results) == 30
    assert Counter(m["To"] for m in smtp.messages) == {f"p{i}@example.org": 1 for i in range(30)}


def test_mail_send_loop_keeps_delivering_until_stopped(client, open_event, runner, smtp, monkeypatch):
    import eventapp.cli

    register(client, open_event)
    naps = []

    def sleep(seconds):
        naps.append(seconds)
        if len(naps) == 1:
            register(client, open_event, email="second@example.org")  # arrives between two passes
            return
        raise KeyboardInterrupt

    monkeypatch.setattr(eventapp.cli.time, "sleep", sleep)
    result = runner.invoke(args=["mail", "send", "--loop", "--interval", "2"])
    assert result.exit_code == 0, result.output
    assert naps == [2, 2]
    assert [m["To"] for m in smtp.messages] == ["amina@example.org", "second@example.org"]
    assert result.output.count("E-mail: sent 1") == 2


def test_an_event_without_an_agenda_sends_no_empty_calendar(client, open_event, smtp):
    register(client, open_event)
    mail.send_due()
    [message] = smtp.messages
    assert list(message.iter_attachments()) == []
