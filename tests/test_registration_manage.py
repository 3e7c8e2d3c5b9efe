"""The participant's own page: see, edit, change sessions, cancel, change address, deadlines."""
import hashlib
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from eventapp.extensions import db
from eventapp.models import EmailChange, Registration, RegistrationToken

from .conftest import manage_path, outbox, register_data, text

UTC = timezone.utc


def register(client, event, **changes):
    return client.post(f"/events/{event.slug}/register", data=register_data(**changes), follow_redirects=True)


def registration(address="amina@example.org"):
    db.session.expire_all()
    return db.session.scalar(sa.select(Registration).where(Registration.email_key == address))


def test_the_manage_page_shows_state_reference_details_and_deadline(client, open_event):
    register(client, open_event, dietary_requirements="Vegetarian", accessibility_needs="Step-free access")
    response = client.get(manage_path("amina@example.org"))
    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    page = text(response)
    for expected in ["Your registration", "Confirmed", registration().reference, "Amina Diallo",
                     "Ministry of Labour", "Member State delegation", "Senegal", "Vegetarian", "Step-free access",
                     "You can change or cancel your registration until"]:
        assert expected in page, expected


def test_unknown_or_mangled_links_are_not_found(client, open_event):
    register(client, open_event)
    path = manage_path("amina@example.org")
    assert client.get(path[:-1]).status_code == 404
    assert client.get("/registrations/" + "A" * 43).status_code == 404
    assert client.get("/registrations/" + "A" * 200).status_code == 404


def test_tokens_have_256_random_bits_and_only_their_hash_is_stored(client, open_event):
    register(client, open_event)
    token = manage_path("amina@example.org").rsplit("/", 1)[1]
    assert len(token) >= 43  # 32 bytes, URL-safe base64
    stored = db.session.scalars(sa.select(RegistrationToken.token_hash)).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in str(db.session.execute(sa.text("select * from registration_tokens")).all())


def test_editing_details_keeps_the_registration_and_shows_errors_in_place(client, open_event):
    register(client, open_event)
    path = manage_path("amina@example.org")
    form = client.get(path + "/edit").get_data(as_text=True)
    assert 'value="Amina"' in form and 'value="Ministry of Labour"' in form
    bad = client.post(path + "/edit", data=register_data(first_name="", job_title="Director"))
    assert "Please enter your first name." in text(bad) and 'value="Director"' in bad.get_data(as_text=True)
    response = client.post(path + "/edit", data=register_data(job_title="Director", organisation="Ministère du Travail"),
                           follow_redirects=True)
    assert "Your details are saved." in text(response)
    assert "Ministère du Travail" in text(response) and "Director" in text(response)
    assert registration().job_title == "Director"


def test_a_new_email_address_takes_effect_only_once_confirmed_from_it(client, open_event):
    register(client, open_event)
    path = manage_path("amina@example.org")
    response = client.post(path + "/edit", data=register_data(email="amina.diallo@example.net"), follow_redirects=True)
    assert "We have sent a link to amina.diallo@example.net" in text(response)
    assert registration().email == "amina@example.org"
    [message] = outbox("amina.diallo@example.net")
    assert message.kind == "email_change"
    link = message.text_body.split("https://events.example.org", 1)[1].split()[0]
    assert link.startswith("/registrations/email/")
    assert "Confirm your new e-mail address" in text(client.get(link))
    assert registration().email == "amina@example.org"  # opening the link changes nothing
    confirmed = client.post(link, follow_redirects=True)
    assert "Your registration now uses amina.diallo@example.net" in text(confirmed)
    assert registration("amina.diallo@example.net") is not None
    assert [m.kind for m in outbox("amina@example.org")][-1] == "email_changed"
    assert "/registrations/" not in outbox("amina@example.org")[-1].text_body  # no link to the old address
    assert outbox("amina.diallo@example.net")[-1].kind == "reminder"
    assert client.post(link).status_code == 404  # works once
    assert db.session.scalar(sa.select(EmailChange.confirmed_at)) is not None


def test_an_address_that_has_its_own_registration_cannot_be_taken_over(client, open_event):
    register(client, open_event)
    register(client, open_event, email="other@example.org")
    client.post(manage_path("amina@example.org") + "/edit", data=register_data(email="other@example.org"))
    message = [m for m in outbox("other@example.org") if m.kind == "email_change"][0]
    link = message.text_body.split("https://events.example.org", 1)[1].split()[0]
    response = client.post(link)
    assert "This address already has its own registration for this event." in text(response)
    assert registration().email == "amina@example.org"


def test_changing_sessions_books_and_frees_places(client, open_event, make_session):
    gala = make_session(open_event, title="Gala", requires_registration=True, capacity=1)
    tour = make_session(open_event, title="Tour", requires_registration=True, capacity=5)
    register(client, open_event, email="a@example.org", sessions=[str(gala.id)])
    register(client, open_event, email="b@example.org", sessions=[str(gala.id)])
    path = manage_path("a@example.org")
    form = client.get(path + "/sessions").get_data(as_text=True)
    assert f'value="{gala.id}" checked' in form
    response = client.post(path + "/sessions", data={"sessions": [str(tour.id)]}, follow_redirects=True)
    assert "Your sessions are saved." in text(response)
    a, b = registration("a@example.org"), registration("b@example.org")
    assert {bk.session.title: bk.state for bk in a.bookings} == {"Gala": "cancelled", "Tour": "confirmed"}
    assert [bk.state for bk in b.bookings] == ["confirmed"]  # promoted from the gala's waiting list
    assert outbox("b@example.org")[-1].kind == "session_promoted"
    assert "Gala" in outbox("b@example.org")[-1].text_body


def test_cancelling_asks_first_then_frees_the_place_for_the_first_in_line(client, make_event, make_policy):
    event = make_event(starts_at=datetime.now(UTC) + timedelta(days=9))
    make_policy(event, in_person_capacity=1)
    for address in ("a@example.org", "b@example.org", "c@example.org"):
        register(client, event, email=address)
    path = manage_path("a@example.org")
    question = client.get(path + "/cancel")
    assert "Cancel your registration?" in text(question)
    assert registration("a@example.org").state == "confirmed"
    response = client.post(path + "/cancel", follow_redirects=True)
    assert "Your registration is cancelled." in text(response)
    assert "This registration is cancelled." in text(response)
    assert [registration(a).state for a in ("a@example.org", "b@example.org", "c@example.org")] == [
        "cancelled", "confirmed", "waitlisted"]
    assert outbox("a@example.org")[-1].subject.startswith("Registration cancelled")
    promoted = outbox("b@example.org")[-1]
    assert promoted.subject.startswith("A place is now yours")
    assert "number 1 on the waiting list" in text(client.get(manage_path("c@example.org")))
    history = [(h.from_state, h.to_state) for h in registration("b@example.org").history]
    assert history == [(None, "waitlisted"), ("waitlisted", "confirmed")]
    assert all(h.at is not None and h.reason for h in registration("b@example.org").history)


def test_after_the_deadline_the_page_says_whom_to_contact(client, make_event, make_policy):
    event = make_event(starts_at=datetime.now(UTC) + timedelta(days=9))
    policy = make_policy(event)
    register(client, event)
    path = manage_path("amina@example.org")
    policy.changes_close_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    page = client.get(path)
    assert "The deadline for changes online was" in text(page)
    assert "registration@example.org" in text(page)
    assert "/edit" not in page.get_data(as_text=True)
    for action in ("/edit", "/sessions", "/cancel"):
        response = client.post(path + action, data=register_data(first_name="Late"))
        assert response.status_code == 302 and response.headers["Location"] == path
    assert registration().state == "confirmed" and registration().first_name == "Amina"


def test_the_deadline_defaults_to_the_event_start(client, make_event, make_policy):
    event = make_event(starts_at=datetime.now(UTC) + timedelta(days=9))
    make_policy(event)
    register(client, event)
    path = manage_path("amina@example.org")
    event.starts_at = datetime.now(UTC) - timedelta(minutes=5)
    db.session.commit()
    assert "The deadline for changes online was" in text(client.get(path))


def test_history_reasons_are_shown_in_the_readers_language(client, open_event):
    register(client, open_event, email="hist@example.org")
    path = manage_path("hist@example.org")
    assert "(Registered)" in text(client.get(path + "?lang=en"))
    assert "(Inscription enregistrée)" in text(client.get(path + "?lang=fr"))
    assert "(Inscripción registrada)" in text(client.get(path + "?lang=es"))
