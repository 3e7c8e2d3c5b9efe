"""The confirmation e-mail and its calendar are written after the commit, outside the place lock, and never lost."""
import pytest

from eventapp.extensions import db
from eventapp.models import MailStatus
from eventapp.services.registration import notices
from eventapp.services.registration import register as registrations

from .conftest import outbox, register_data


def test_registering_through_the_form_queues_the_confirmation_with_its_calendar(client, open_event, make_session):
    make_session(open_event, title="Opening plenary")
    client.post(f"/events/{open_event.slug}/register", data=register_data(), follow_redirects=True)
    [message] = outbox("amina@example.org")
    assert message.status == MailStatus.QUEUED
    assert [a.filename.endswith(".ics") for a in message.attachments] == [True]
    assert b"Opening plenary" in message.attachments[0].data


def test_a_deferred_email_waits_as_preparing_until_written_after_the_commit(app, open_event, make_session, monkeypatch):
    make_session(open_event, title="Opening plenary")
    rendered = []
    original = notices._render
    monkeypatch.setattr(notices, "_render", lambda *a, **k: rendered.append(a[1]) or original(*a, **k))
    outcome = registrations.register(open_event, register_data(), defer_mail=True)
    assert rendered == []  # nothing rendered while the place lock is held
    db.session.commit()  # the place lock is released here
    [message] = outbox()
    assert message.status == MailStatus.PREPARING and message.attachments == []
    assert message.subject == "" and message.text_body == ""
    assert notices.prepare_deferred(outcome.registration.id) == 1
    db.session.commit()
    assert rendered == ["confirmation"]
    assert message.status == MailStatus.QUEUED and b"Opening plenary" in message.attachments[0].data
    assert message.subject.startswith("Registration confirmed") and "/registrations/" in message.text_body


def test_a_double_submission_defers_its_reminder_too(app, open_event):
    registrations.register(open_event, register_data(), defer_mail=True)
    db.session.commit()
    notices.prepare_deferred()
    db.session.commit()
    outcome = registrations.register(open_event, register_data(), defer_mail=True)
    db.session.commit()
    # The e-mail just written answers a double click: no second message within the pause.
    assert outcome.created is False and len(outbox()) == 1


def test_a_deferred_email_of_a_registration_ended_meanwhile_is_dropped(app, open_event):
    outcome = registrations.register(open_event, register_data(), defer_mail=True)
    db.session.commit()
    registrations.cancel(outcome.registration)
    db.session.commit()
    notices.prepare_deferred()
    db.session.commit()
    assert [m.kind for m in outbox()] == ["cancelled"]


def test_the_mail_worker_writes_emails_a_stopped_server_left_behind(app, runner, open_event, make_session):
    make_session(open_event, title="Opening plenary")
    registrations.register(open_event, register_data(), defer_mail=True)
    db.session.commit()
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    [message] = outbox()
    assert message.status == MailStatus.SENT and len(message.attachments) == 1
    assert message.subject.startswith("Registration confirmed")


def test_the_calendar_is_built_once_per_agenda_version_and_follows_a_change(client, open_event, make_session, monkeypatch):
    plenary = make_session(open_event, title="Opening plenary")
    from eventapp.services.calendars import registrant

    built = []
    original = registrant.registrant_sessions
    monkeypatch.setattr(registrant, "registrant_sessions", lambda r: built.append(r.id) or original(r))
    for name in ("amina", "bruno"):
        client.post(f"/events/{open_event.slug}/register", data=register_data(email=f"{name}@example.org"))
    assert len(built) == 1  # the second registrant got the same bytes from the cache
    assert outbox("amina@example.org")[0].attachments[0].data == outbox("bruno@example.org")[0].attachments[0].data
    plenary.title = "Opening plenary (moved)"
    db.session.commit()
    client.post(f"/events/{open_event.slug}/register", data=register_data(email="chen@example.org"))
    assert len(built) == 2 and b"(moved)" in outbox("chen@example.org")[0].attachments[0].data


def test_a_calendar_built_inside_an_uncommitted_change_is_not_kept(app, open_event, make_session):
    from eventapp.models import Registration
    from eventapp.services.calendars import registrant

    plenary = make_session(open_event, title="Opening plenary")
    registrations.register(open_event, register_data(), defer_mail=False)
    db.session.commit()
    registration = db.session.scalar(db.select(Registration))
    plenary.title = "Renamed then rolled back"
    db.session.flush()  # the version is bumped in this transaction only
    unfolded = lambda attachment: attachment.data.replace(b"\r\n ", b"")  # noqa: E731 - iCalendar folds long lines
    assert b"Renamed then rolled back" in unfolded(registrant.registration_attachment(registration))
    db.session.rollback()
    assert b"Renamed then rolled back" not in unfolded(registrant.registration_attachment(registration))
    plenary.description = "Another change, committed: the version number the rolled-back change had used"
    db.session.commit()
    assert b"Renamed then rolled back" not in unfolded(registrant.registration_attachment(registration))


@pytest.mark.parametrize("app_config", [{"MAIL_WRITE_IN_REQUEST": False}], indirect=True)
def test_with_a_mail_worker_the_form_leaves_the_email_to_it(client, runner, open_event, make_session):
    make_session(open_event, title="Opening plenary")
    response = client.post(f"/events/{open_event.slug}/register", data=register_data(), follow_redirects=True)
    assert response.status_code == 200
    [message] = outbox("amina@example.org")
    assert message.status == MailStatus.PREPARING and message.text_body == ""  # nothing rendered by the request
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    [message] = outbox("amina@example.org")
    assert message.status == MailStatus.SENT and message.subject.startswith("Registration confirmed")
    assert b"Opening plenary" in message.attachments[0].data
