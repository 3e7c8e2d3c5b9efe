"""Messages to registrants, badges, check-in and privacy, through the pages as people use them."""
import json
import re
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from eventapp.extensions import db
from eventapp.models import Message, Registration
from eventapp.services import mail
from eventapp.services.desk import badges

from .conftest import manage_path, outbox, register_data, text

UTC = timezone.utc


def register(client, event, **changes):
    return client.post(f"/events/{event.slug}/register", data=register_data(**changes), follow_redirects=True)


def reg(address):
    db.session.expire_all()
    return db.session.scalar(sa.select(Registration).where(Registration.email_key == address))


def test_an_organiser_previews_then_sends_a_message_each_person_gets_their_own_link(
        client, open_event, organiser, make_participant, smtp):
    academics = [make_participant(open_event, stakeholder_group="academia") for _ in range(2)]
    other = make_participant(open_event, stakeholder_group="media")
    organiser(open_event)
    form = dict(state="active", stakeholder_group="academia", session_id="", mode="", search="",
                subject="Room change", body="The plenary moves to Room B.\n\nSee you there.")
    preview = client.post(f"/manage/events/{open_event.id}/messages/new", data=dict(form, action="preview"))
    assert "This message goes to 2 people." in text(preview)
    assert "The plenary moves to Room B." in text(preview)
    assert outbox() == [m for m in outbox() if m.kind != "message"]  # nothing queued by a preview
    sent = client.post(f"/manage/events/{open_event.id}/messages/new",
                       data=dict(form, action="send", expected_count="2"), follow_redirects=True)
    assert "Message queued for 2 people." in text(sent)
    assert academics[0].email in text(sent) and other.email not in text(sent)
    mail.send_due()
    received = [m for m in smtp.messages if m["Subject"] == "Room change"]
    assert sorted(m["To"] for m in received) == sorted(p.email for p in academics)
    links = set()
    for message in received:
        body = message.get_body(("plain",)).get_content()
        assert "The plenary moves to Room B." in body and "Dear First" in body
        found = re.search(r"https://events\.example\.org(/registrations/[A-Za-z0-9_-]{40,})\s", body)
        links.add(found.group(1))
        assert client.get(found.group(1)).status_code == 200  # their own, working manage link
    assert len(links) == 2
    log = client.get(f"/manage/events/{open_event.id}/messages")
    assert "Room change" in text(log)
    message = db.session.scalar(sa.select(Message))
    assert message.recipient_count == 2 and message.sent_by


def test_a_confirmed_participant_gets_a_badge_from_the_page_and_the_e_mail(client, open_event):
    register(client, open_event)
    path = manage_path("amina@example.org")
    confirmation = outbox("amina@example.org")[0]
    assert path + "/badge" in confirmation.text_body
    page = client.get(path)
    assert "Badge" in text(page)
    badge = client.get(path + "/badge")
    body = badge.get_data(as_text=True)
    value = badges.checkin_value(reg("amina@example.org"))
    assert "Amina Diallo" in text(badge) and "Ministry of Labour" in text(badge)
    assert str(badges.qr_svg(value)) in body
    assert value not in text(badge)  # the value is only inside the QR code


def test_no_badge_while_waiting(client, make_event, make_policy):
    event = make_event(starts_at=datetime.now(UTC) + timedelta(days=3))
    make_policy(event, in_person_capacity=0)
    register(client, event)
    path = manage_path("amina@example.org")
    assert path + "/badge" not in outbox("amina@example.org")[0].text_body
    assert "/badge" not in client.get(path).get_data(as_text=True)
    assert client.get(path + "/badge").headers["Location"] == path


def test_the_check_in_screen_says_where_each_person_stands(client, open_event, organiser, make_participant):
    person = make_participant(open_event, first_name="Kofi", last_name="Mensah")
    organiser(open_event)
    url = f"/manage/events/{open_event.id}/checkin"
    page = client.get(url)
    assert "0 of 1 confirmed people checked in" in text(page)
    first = client.post(url + "/scan", json={"q": badges.checkin_value(person)}).get_json()
    assert first["outcome"] == "checked_in" and first["message"] == "Checked in now"
    assert first["person"]["name"] == "Kofi Mensah" and first["counts"]["checked_in"] == 1
    again = client.post(url + "/scan", json={"q": person.reference}).get_json()
    assert again["outcome"] == "already"
    local = reg(person.email).checked_in_at.astimezone(__import__("zoneinfo").ZoneInfo(open_event.timezone))
    assert again["message"] == f"Already checked in at {local:%H:%M}"
    tampered = badges.checkin_value(person)[:-3] + "xyz"
    assert client.post(url + "/scan", json={"q": tampered}).get_json()["outcome"] == "invalid"
    typed = client.post(url, data={"q": "Mensah"})
    assert "Already checked in at" in text(typed)
    assert client.get(url + "/counts").get_json()["checked_in"] == 1


def test_the_badge_sheet_prints_the_filtered_people(client, open_event, organiser, make_participant):
    shown = make_participant(open_event, organisation="Printed Org")
    hidden = make_participant(open_event, organisation="Other Org")
    organiser(open_event)
    sheet = client.get(f"/manage/events/{open_event.id}/badges?state=confirmed&search=printed")
    assert shown.full_name in text(sheet) and hidden.full_name not in text(sheet)
    assert badges.checkin_value(shown) not in text(sheet)  # only inside the QR code
    assert str(badges.qr_svg(badges.checkin_value(shown))) in sheet.get_data(as_text=True)
    assert "1 badge." in text(sheet)


def test_a_registrant_downloads_their_data_and_deletes_their_registration(client, make_event, make_policy):
    event = make_event(starts_at=datetime.now(UTC) + timedelta(days=3))
    make_policy(event, in_person_capacity=1)
    register(client, event, dietary_requirements="Halal")
    register(client, event, email="next@example.org", first_name="Next")
    path = manage_path("amina@example.org")
    download = client.get(path + "/data.json")
    assert download.mimetype == "application/json" and "attachment" in download.headers["Content-Disposition"]
    data = json.loads(download.get_data(as_text=True))
    assert data["registration"]["email"] == "amina@example.org"
    assert data["registration"]["dietary_requirements"] == "Halal"
    assert data["emails"][0]["subject"].startswith("Registration confirmed")
    question = client.get(path + "/delete")
    assert "Delete your registration?" in text(question)
    done = client.post(path + "/delete")
    assert "Registration deleted" in text(done)
    assert client.get(path).status_code == 404
    assert reg("next@example.org").state == "confirmed"
    assert reg("amina@example.org") is None  # the address is gone


def test_delete_needs_the_form_token(app, client, open_event):
    register(client, open_event)
    path = manage_path("amina@example.org")
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(path + "/delete").status_code == 400
    assert reg("amina@example.org") is not None


def test_the_purge_command_erases_a_past_event_and_keeps_its_counts(runner, make_event, make_policy, make_participant):
    event = make_event(starts_at=datetime.now(UTC) + timedelta(days=3))
    make_policy(event)
    for _ in range(2):
        make_participant(event)
    refused = runner.invoke(args=["registrations", "purge", "--event", event.slug, "--older-than", "30"])
    assert refused.exit_code != 0 and "nothing was removed" in refused.output
    event.starts_at = datetime.now(UTC) - timedelta(days=60)
    event.ends_at = event.starts_at + timedelta(hours=8)
    db.session.commit()
    done = runner.invoke(args=["registrations", "purge", "--event", event.slug, "--older-than", "30"])
    assert done.exit_code == 0, done.output
    assert "Personal data removed from 2 registrations" in done.output
    rows = db.session.scalars(sa.select(Registration).where(Registration.event_id == event.id)).all()
    assert len(rows) == 2 and all(r.state == "confirmed" and r.email == "" and r.erased_at for r in rows)
    assert runner.invoke(args=["registrations", "purge", "--event", "nope", "--older-than", "1"]).exit_code != 0


def test_the_public_organisations_list_respects_consent(client, open_event, make_participant):
    make_participant(open_event, organisation="Agreeing Ministry", listed_publicly=True)
    make_participant(open_event, organisation="Discreet NGO")
    page = client.get(f"/events/{open_event.slug}/participants")
    assert "Agreeing Ministry" in text(page) and "Discreet NGO" not in text(page)
    assert "First" not in text(page)  # no person's name


def test_the_check_in_screen_sends_its_form_token_with_each_scan(app, client, open_event, organiser, make_participant):
    person = make_participant(open_event)
    organiser(open_event)
    app.config["WTF_CSRF_ENABLED"] = True
    url = f"/manage/events/{open_event.id}/checkin"
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(url + "/scan", json={"q": person.reference}).status_code == 400
    answer = client.post(url + "/scan", json={"q": person.reference}, headers={"X-CSRFToken": token})
    assert answer.status_code == 200 and answer.get_json()["outcome"] == "checked_in"
