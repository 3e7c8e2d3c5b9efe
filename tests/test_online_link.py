"""Hybrid events: the online link reaches confirmed online participants and nobody, nothing, else."""
import io
import re
import zipfile

import pytest
import sqlalchemy as sa

from eventapp.extensions import db
from eventapp.models import AuditEntry, OnlineLink, Registration
from eventapp.services import mail
from eventapp.services.registration import notices, online

from .conftest import manage_path, outbox, register_data, text

URL = "https://meet.example.org/j/idm-8841-secret"
PASSCODE = "Kq7-SECRET"
SECRETS = (URL, "idm-8841-secret", PASSCODE)


def settings_url(event, path=""):
    return f"/manage/events/{event.id}/registrations/settings{path}"


def set_link(client, event, url=URL, passcode=PASSCODE, instructions="Join ten minutes early.", hours="48"):
    return client.post(settings_url(event, "/online"), data={
        "online-url": url, "online-passcode": passcode, "online-instructions": instructions,
        "online-reminder_hours_before": hours,
    })


def register(client, event, **changes):
    return client.post(f"/events/{event.slug}/register", data=register_data(**changes), follow_redirects=True)


def by_email(address):
    db.session.expire_all()
    return db.session.scalar(sa.select(Registration).where(Registration.email_key == address))


def assert_no_secret(body, where):
    for secret in SECRETS:
        assert secret not in body, f"{secret!r} leaked in {where}"


@pytest.fixture
def hybrid_event(open_event, make_session):
    """The open event made hybrid, with one online place, and one published session."""
    policy = open_event.registration_policy
    policy.is_hybrid, policy.online_capacity = True, 1
    db.session.commit()
    make_session(open_event, title="Opening plenary")
    return open_event


def test_the_link_reaches_the_confirmed_online_participant_and_no_public_page_feed_export_or_other_person(
        client, hybrid_event, organiser, smtp):
    event = hybrid_event
    organiser(event)
    assert set_link(client, event).status_code == 302
    register(client, event, email="online@example.org", mode="online")
    register(client, event, email="inperson@example.org", mode="in_person")
    register(client, event, email="waiting@example.org", mode="online")  # the one online place is taken
    states = {a: by_email(a).state for a in ("online@example.org", "inperson@example.org", "waiting@example.org")}
    assert states == {"online@example.org": "confirmed", "inperson@example.org": "confirmed",
                      "waiting@example.org": "waitlisted"}

    paths = {a: manage_path(a) for a in states}
    # The confirmed online participant: on their page and in their e-mail (text and HTML), over SMTP.
    page = client.get(paths["online@example.org"])
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert f'href="{URL}"' in page.get_data(as_text=True)
    assert "How to join online" in text(page) and PASSCODE in text(page) and "Join ten minutes early." in text(page)
    assert mail.send_due().sent == 3
    [message] = smtp.to("online@example.org")
    plain = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert URL in plain and PASSCODE in plain and f'<a href="{URL}">' in html
    for attachment in message.iter_attachments():  # the calendar entry travels apart from the link
        assert_no_secret(attachment.get_content(), "the e-mailed .ics")

    # In person and on the waiting list: neither page nor e-mail.
    for address in ("inperson@example.org", "waiting@example.org"):
        assert_no_secret(client.get(paths[address]).get_data(as_text=True), f"the page of {address}")
        [message] = smtp.to(address)
        assert_no_secret(message.as_string(), f"the e-mail to {address}")

    # Public pages, public and registrant feeds, downloads.
    session_id = event.sessions[0].id
    public = ["/", f"/events/{event.slug}/", f"/events/{event.slug}/agenda", f"/events/{event.slug}/sessions/{session_id}",
              f"/events/{event.slug}/register", f"/events/{event.slug}/calendar.ics",
              f"/events/{event.slug}/sessions/{session_id}.ics", f"/events/{event.slug}/participants"]
    feed = re.search(r'/registrations/(cal-[^/"]+)/calendar\.ics',
                     page.get_data(as_text=True)).group(0)
    for path in public + [feed]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_no_secret(response.get_data(as_text=True), path)

    # The organisers' exports: registrations (CSV, Excel) and the agenda (CSV, YAML).
    for path in (f"/manage/events/{event.id}/registrations/export.csv", f"/manage/events/{event.id}/agenda/export.csv",
                 f"/manage/events/{event.id}/agenda/export.yaml"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_no_secret(response.get_data(as_text=True), path)
    workbook = client.get(f"/manage/events/{event.id}/registrations/export.xlsx")
    assert workbook.status_code == 200
    with zipfile.ZipFile(io.BytesIO(workbook.data)) as archive:
        for name in archive.namelist():
            assert_no_secret(archive.read(name).decode("utf-8", "replace"), f"export.xlsx {name}")


def test_the_link_is_hidden_from_pending_declined_cancelled_and_erased_online_registrations(
        hybrid_event, make_registration):
    online.save_event_online(hybrid_event, {"url": URL, "reminder_hours_before": 48}, None, mailer=notices.registration_mail)
    db.session.commit()
    shown = make_registration(hybrid_event, mode="online")
    assert [link.url for link in online.visible_links(shown)] == [URL]
    for state in ("pending", "waitlisted", "declined", "cancelled"):
        assert online.visible_links(make_registration(hybrid_event, mode="online", state=state)) == []
    assert online.visible_links(make_registration(hybrid_event, mode="in_person")) == []
    shown.erased_at = shown.created_at
    assert online.visible_links(shown) == []


def test_changing_the_link_emails_confirmed_online_participants_once(client, hybrid_event, organiser,
                                                                     make_registration, smtp):
    event = hybrid_event
    organiser(event)
    first = make_registration(event, mode="online", email="one@example.org")
    second = make_registration(event, mode="online", email="two@example.org")
    make_registration(event, mode="in_person", email="venue@example.org")
    make_registration(event, mode="online", state="waitlisted", email="wait@example.org")
    make_registration(event, mode="online", state="pending", email="pending@example.org")

    response = set_link(client, event)
    assert response.status_code == 302
    assert "The new link was e-mailed to 2 online participants." in text(client.get(response.headers["Location"]))
    assert mail.send_due().sent == 2
    assert sorted(m["To"] for m in smtp.messages) == ["one@example.org", "two@example.org"]
    message = smtp.to("one@example.org")[0]
    assert message["Subject"] == f"How to join online: {event.title}"
    assert URL in message.get_body(preferencelist=("plain",)).get_content()

    # Saving the same link again tells nobody; changing the passcode tells each of them once more.
    assert set_link(client, event).status_code == 302
    assert set_link(client, event, hours="24").status_code == 302
    assert [m.kind for m in outbox()] == ["online_link", "online_link"]
    assert set_link(client, event, passcode="NEW-PASS", hours="24").status_code == 302
    assert mail.send_due().sent == 2
    assert len(smtp.to(first.email)) == len(smtp.to(second.email)) == 2
    assert "NEW-PASS" in smtp.to(second.email)[-1].get_body(preferencelist=("plain",)).get_content()
    assert event.registration_policy.reminder_hours_before == 24
    actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert actions.count("registration.online") == 3
    assert PASSCODE not in str(db.session.scalars(sa.select(AuditEntry.details)).all())

    # Removing the link e-mails nobody and hides it.
    assert set_link(client, event, url="", passcode="", instructions="").status_code == 302
    assert mail.send_due().sent == 0 and online.event_link(event) is None
    assert online.visible_links(first) == []


def test_a_bad_link_or_reminder_is_refused_at_its_field_and_nothing_is_stored(client, hybrid_event, organiser):
    event = hybrid_event
    organiser(event)
    response = set_link(client, event, url="meet.example.org/idm")
    assert response.status_code == 400
    assert "Give a full web address starting with https:// (or http://)." in text(response)
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert 'value="meet.example.org/idm"' in response.get_data(as_text=True)
    for bad in ("javascript:alert(1)", "https://", "https://exa mple.org"):
        assert set_link(client, event, url=bad).status_code == 400
    assert set_link(client, event, url="", passcode="1234").status_code == 400
    response = set_link(client, event, hours="0")
    assert response.status_code == 400 and "Reminder e-mail, hours before the event starts" in text(response)
    assert set_link(client, event, hours="two").status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(OnlineLink.id))) == 0
    assert event.registration_policy.reminder_hours_before == 48
    # The settings page shows the saved values, and empty hours switch reminders off.
    assert set_link(client, event, hours="").status_code == 302
    page = client.get(settings_url(event)).get_data(as_text=True)
    assert f'value="{URL}"' in page and 'name="online-reminder_hours_before"' in page
    db.session.expire_all()
    assert event.registration_policy.reminder_hours_before is None


def test_only_organisers_of_the_event_reach_the_link_settings(client, hybrid_event, make_event, organiser):
    other = make_event()
    organiser(other)
    assert set_link(client, hybrid_event).status_code == 404
    assert client.get(settings_url(hybrid_event, "/online/sessions")).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(OnlineLink.id))) == 0


def test_a_session_link_goes_to_online_participants_who_hold_a_place_at_it(client, hybrid_event, organiser,
                                                                             make_session, make_registration, smtp):
    from eventapp.models import SessionBooking

    event = hybrid_event
    organiser(event)
    side = make_session(event, title="Side event on data", requires_registration=True, capacity=5)
    booked = make_registration(event, mode="online", email="booked@example.org")
    db.session.add(SessionBooking(registration=booked, session=side, state="confirmed"))
    db.session.commit()
    unbooked = make_registration(event, mode="online", email="unbooked@example.org")

    from eventapp.models import DraftSession

    client.get(f"/manage/events/{event.id}/sessions/")  # the working copy starts from the published agenda
    draft = db.session.scalar(sa.select(DraftSession).where(DraftSession.session_id == side.id))
    form = client.get(f"/manage/events/{event.id}/sessions/{draft.id}/edit").get_data(as_text=True)
    assert f'href="{settings_url(event, "/online/sessions")}#url-{side.id}"' in form
    page = client.get(settings_url(event, "/online/sessions"))
    assert page.status_code == 200 and "Side event on data" in text(page)
    refused = client.post(settings_url(event, "/online/sessions"), data={f"url-{side.id}": "not a link"})
    assert refused.status_code == 400 and "Give a full web address" in text(refused)
    assert f'id="url-{side.id}-error"' in refused.get_data(as_text=True)
    side_url = "https://stream.example.org/side-event-77"
    response = client.post(settings_url(event, "/online/sessions"), data={
        f"url-{side.id}": side_url, f"passcode-{side.id}": "", f"instructions-{side.id}": "Room B stream"})
    assert response.status_code == 302
    assert mail.send_due().sent == 1
    [message] = smtp.messages
    assert message["To"] == "booked@example.org" and side_url in message.get_body(preferencelist=("plain",)).get_content()
    assert [link.url for link in online.visible_links(booked)] == [side_url]
    assert online.visible_links(unbooked) == []
    plain = message.get_body(preferencelist=("plain",)).get_content()
    path = re.search(r"https://events\.example\.org(/registrations/[A-Za-z0-9_-]{40,})", plain).group(1)
    assert side_url in text(client.get(path))
    assert side_url not in client.get(f"/events/{event.slug}/sessions/{side.id}").get_data(as_text=True)


def test_an_online_participant_promoted_from_the_waiting_list_gets_the_link_with_the_good_news(
        client, hybrid_event, organiser, make_participant):
    from eventapp.services.registration import register as registrations

    organiser(hybrid_event)
    assert set_link(client, hybrid_event).status_code == 302
    first = make_participant(hybrid_event, mode="online", email="first@example.org")
    waiting = make_participant(hybrid_event, mode="online", email="second@example.org", locale="fr")
    assert (first.state, waiting.state) == ("confirmed", "waitlisted")
    assert_no_secret(outbox("second@example.org")[-1].text_body, "the waiting-list e-mail")
    registrations.cancel(first)
    db.session.commit()
    promoted = outbox("second@example.org")[-1]
    assert promoted.kind == "promoted" and by_email("second@example.org").state == "confirmed"
    assert URL in promoted.text_body and "Comment participer en ligne" in promoted.text_body
    assert f'<a href="{URL}">' in promoted.html_body


def test_an_old_address_told_of_a_change_of_address_gets_no_link(hybrid_event, make_registration):
    online.save_event_online(hybrid_event, {"url": URL, "passcode": PASSCODE, "reminder_hours_before": 48}, None,
                             mailer=notices.registration_mail)
    person = make_registration(hybrid_event, mode="online", email="new@example.org")
    told = notices.registration_mail(person, "email_changed", recipient="old@example.org")
    assert_no_secret(told.text_body + told.html_body, "the e-mail to the old address")
    assert URL in notices.registration_mail(person, "reminder").text_body  # the new address: yes


def test_the_participant_page_runs_the_same_queries_for_one_or_many_session_links(
        client, hybrid_event, make_session, make_participant, count_queries):
    person = make_participant(hybrid_event, mode="online", email="remote@example.org")
    path = manage_path("remote@example.org")
    counts = []
    for size in (1, 8):
        sessions = [make_session(hybrid_event) for _ in range(size)]
        online.save_session_links(hybrid_event, {s.id: {"url": f"https://stream.example.org/{s.id}"} for s in sessions},
                                  None, mailer=notices.registration_mail)
        db.session.commit()
        client.get(path)
        with count_queries() as statements:
            page = client.get(path)
        assert page.status_code == 200 and f"https://stream.example.org/{sessions[-1].id}" in text(page)
        counts.append(len(statements))
    assert len(online.visible_links(person)) == 9 and counts[0] == counts[1], counts


def test_an_event_without_registration_settings_is_told_to_save_them_first(client, make_event, organiser):
    event = make_event()
    organiser(event)
    response = set_link(client, event)
    assert response.status_code == 400 and "Save the registration settings above first." in text(response)
    assert db.session.scalar(sa.select(sa.func.count(OnlineLink.id))) == 0
