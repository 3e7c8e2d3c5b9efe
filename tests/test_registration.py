"""The registration form: fields, errors, states, duplicates, the closed page, abuse defences."""
import re
from datetime import datetime, timedelta, timezone

import pycountry
import sqlalchemy as sa

from config import TestingConfig
from eventapp import create_app
from eventapp.extensions import db
from eventapp.models import Registration, RegistrationState

from .conftest import manage_path, outbox, register_data, text

UTC = timezone.utc


def registrations():
    return db.session.scalars(sa.select(Registration).order_by(Registration.id)).all()


def register(client, event, **changes):
    return client.post(f"/events/{event.slug}/register", data=register_data(**changes), follow_redirects=True)


def test_form_has_every_field_with_a_label_tied_to_its_input(client, open_event, make_session):
    make_session(open_event, title="Awards reception", requires_registration=True, capacity=40)
    response = client.get(f"/events/{open_event.slug}/register")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for name in ["first_name", "last_name", "email", "organisation", "job_title", "stakeholder_group",
                 "country", "accessibility_needs", "dietary_requirements", "privacy_consent", "listed_publicly"]:
        assert f'<label for="{name}"' in html, name
        assert f'id="{name}"' in html, name
    page = text(response)
    assert "Awards reception" in page and "40 places left" in page
    assert "In person: 10 places left" in page
    assert 'name="mode"' not in html  # not a hybrid event
    for group in ["Member State delegation", "UN system organization", "Civil society", "Private sector",
                  "Foundation", "Multilateral development bank", "Diaspora organization",
                  "Migrant or community representative", "Academia", "Media", "Other"]:
        assert f">{group}</option>" in html, group
    assert '<a href="/privacy">privacy notice</a>' in html
    assert html.count("<h1") == 1


def test_country_list_is_the_full_iso_list_sorted_by_name(client, open_event):
    html = client.get(f"/events/{open_event.slug}/register").get_data(as_text=True)
    select = html.split('id="country"', 1)[1].split("</select>", 1)[0]
    options = re.findall(r'<option value="([A-Z]{2})">([^<]+)</option>', select)
    assert len(options) == len(pycountry.countries) == 249
    names = [name for _, name in options]
    assert names.index("Côte d&#39;Ivoire") < names.index("Croatia")
    assert names.index("Åland Islands") < names.index("Albania")
    assert ("CH", "Switzerland") in options


def test_country_names_follow_the_page_language(client, open_event):
    html = client.get(f"/events/{open_event.slug}/register?lang=fr").get_data(as_text=True)
    assert '<option value="DE">Allemagne</option>' in html


def test_hybrid_event_asks_how_one_takes_part(client, make_event, make_policy):
    event = make_event(starts_at=datetime.now(UTC) + timedelta(days=5))
    make_policy(event, is_hybrid=True, online_capacity=None)
    html = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert 'name="mode" type="radio" value="online"' in html or 'value="online"' in html
    assert "Online: places available" in text(client.get(f"/events/{event.slug}/register"))
    response = register(client, event)
    assert "Please choose in person or online." in text(response)
    register(client, event, mode="online")
    assert registrations()[0].mode == "online"


def test_a_new_registration_is_confirmed_and_the_same_page_says_an_email_is_on_its_way(client, open_event):
    response = client.post(f"/events/{open_event.slug}/register", data=register_data())
    assert response.status_code == 302
    assert response.headers["Location"] == f"/events/{open_event.slug}/register/received"
    page = text(client.get(response.headers["Location"]))
    assert "An e-mail is on its way to amina@example.org" in page
    [registration] = registrations()
    assert registration.state == RegistrationState.CONFIRMED
    assert re.fullmatch(r"TEST-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{5}", registration.reference)
    [message] = outbox("amina@example.org")
    assert message.subject.startswith("Registration confirmed")
    assert registration.reference in message.text_body


def test_errors_are_shown_next_to_each_field_and_what_was_typed_is_kept(client, open_event):
    response = client.post(
        f"/events/{open_event.slug}/register",
        data={"first_name": "Zoë", "last_name": "", "email": "not-an-address", "organisation": "Ngũgĩ & Co"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = text(response)
    assert "Please enter your last name." in page
    assert "Please enter an e-mail address like name@example.org." in page
    assert "Please choose the group that describes you best." in page
    assert "Please choose your country." in page
    assert "Please agree to the privacy notice to register." in page
    assert 'value="Zoë"' in html and 'value="not-an-address"' in html and 'value="Ngũgĩ &amp; Co"' in html
    assert 'id="last_name-error"' in html
    assert re.search(r'<input aria-describedby="last_name-error" aria-invalid="true"[^>]*id="last_name"', html)
    assert registrations() == []


def test_lengths_are_capped(client, open_event):
    response = register(client, open_event, first_name="A" * 101, dietary_requirements="x" * 501)
    assert "Please keep this under 100 characters." in text(response)
    assert "Please keep this under 500 characters." in text(response)
    assert registrations() == []


def test_unicode_names_are_welcome_and_html_is_kept_as_text_and_escaped(client, open_event):
    register(client, open_event, first_name="Zoë", last_name="Ngũgĩ-Đặng", email="zoe@example.org")
    register(client, open_event, first_name="محمد", last_name="<script>alert(1)</script>", email="m@example.org",
             organisation="<b>Bold</b> & Co")
    first, second = registrations()
    assert (first.first_name, first.last_name) == ("Zoë", "Ngũgĩ-Đặng")
    assert second.last_name == "<script>alert(1)</script>"
    response = client.get(manage_path("m@example.org"))
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in html
    assert "محمد" in text(response)
    message = outbox("m@example.org")[0]
    assert "<script>" not in message.html_body and "&lt;script&gt;" in message.html_body
    assert "<script>alert(1)</script>" in message.text_body  # plain text stays plain


def test_registration_closed_before_it_opens_and_after_it_closes_shows_no_form(client, make_event, make_policy):
    soon = make_event(starts_at=datetime.now(UTC) + timedelta(days=30))
    make_policy(soon, opens_at=datetime.now(UTC) + timedelta(days=2))
    over = make_event(starts_at=datetime.now(UTC) + timedelta(days=30))
    make_policy(over, closes_at=datetime.now(UTC) - timedelta(hours=1))
    started = make_event(starts_at=datetime.now(UTC) - timedelta(hours=1))
    make_policy(started)
    response = client.get(f"/events/{soon.slug}/register")
    assert "Registration is not open yet" in text(response) and "<form" not in response.get_data(as_text=True)
    for event in (over, started):
        response = client.get(f"/events/{event.slug}/register")
        assert "Registration is closed" in text(response)
        assert "<form" not in response.get_data(as_text=True)
        assert "registration@example.org" in text(response)
        assert "Registration is closed" in text(register(client, event))
    assert registrations() == []


def test_event_without_registration_has_no_form(client, make_event):
    event = make_event()
    assert client.get(f"/events/{event.slug}/register").status_code == 404
    assert "Register for this event" not in text(client.get(f"/events/{event.slug}/"))


def test_an_address_already_registered_gets_the_same_page_and_a_reminder_and_nothing_twice(client, open_event, app):
    first = text(register(client, open_event))
    client.post(f"/events/{open_event.slug}/register", data=register_data(first_name="Someone", last_name="Else"))
    # Ten minutes later someone types the same address (in capitals) again.
    later = outbox("amina@example.org")[0]
    later.created_at -= timedelta(minutes=10)
    db.session.commit()
    second = text(register(client, open_event, email="AMINA@example.org", first_name="Mallory"))
    assert first == second.replace("AMINA@", "amina@")
    [registration] = registrations()
    assert registration.first_name == "Amina"
    subjects = [m.subject for m in outbox("amina@example.org")]
    assert len(subjects) == 2 and subjects[1].startswith("Your registration and its link")
    assert "Mallory" not in outbox("amina@example.org")[1].text_body


def test_a_double_click_creates_one_registration_and_one_email(client, open_event):
    for _ in range(2):
        response = client.post(f"/events/{open_event.slug}/register", data=register_data())
        assert response.headers["Location"].endswith("/register/received")
    assert len(registrations()) == 1
    assert len(outbox("amina@example.org")) == 1


def test_full_event_puts_newcomers_on_the_waiting_list_with_their_position(client, make_event, make_policy):
    event = make_event(starts_at=datetime.now(UTC) + timedelta(days=9))
    make_policy(event, in_person_capacity=1)
    register(client, event, email="first@example.org")
    register(client, event, email="second@example.org")
    register(client, event, email="third@example.org")
    assert [r.state for r in registrations()] == ["confirmed", "waitlisted", "waitlisted"]
    page = text(client.get(manage_path("third@example.org")))
    assert "On the waiting list" in page and "You are number 2 on the waiting list" in page
    assert "waiting list, number 2" in outbox("third@example.org")[0].text_body
    assert "full, waiting list open" in text(client.get(f"/events/{event.slug}/register"))


def test_moderated_event_keeps_registrations_pending(client, make_event, make_policy):
    event = make_event(starts_at=datetime.now(UTC) + timedelta(days=9))
    make_policy(event, approval_mode="moderated")
    register(client, event)
    assert registrations()[0].state == RegistrationState.PENDING
    assert "awaiting approval" in outbox()[0].subject
    assert "The organisers review each registration" in text(client.get(manage_path("amina@example.org")))


def test_session_places_are_taken_with_the_registration(client, open_event, make_session):
    reception = make_session(open_event, title="Reception", requires_registration=True, capacity=1)
    register(client, open_event, email="a@example.org", sessions=[str(reception.id)])
    register(client, open_event, email="b@example.org", sessions=[str(reception.id)])
    states = [[b.state for b in r.bookings] for r in registrations()]
    assert states == [["confirmed"], ["waitlisted"]]
    assert "Reception" in text(client.get(manage_path("b@example.org")))


def test_a_session_without_registration_cannot_be_chosen(client, open_event, make_session):
    panel = make_session(open_event, title="Panel")
    response = register(client, open_event, sessions=[str(panel.id)])
    assert "Please choose among the sessions listed." in text(response)
    assert registrations() == []


def test_honeypot_filled_by_a_bot_stores_nothing_and_looks_accepted(client, open_event):
    response = register(client, open_event, fax_number="+1 555 0100")
    assert "An e-mail is on its way" in text(response)
    assert registrations() == [] and outbox() == []


def test_privacy_page_says_what_why_who_how_long_and_how_to_delete(client):
    page = text(client.get("/privacy"))
    for heading in ["What we collect", "Why", "Who sees your details", "How long we keep it",
                    "How to see, correct or delete your details"]:
        assert heading in page
    assert "accessibility needs" in page


def test_event_and_agenda_pages_link_to_the_form_and_show_places_left(client, open_event, make_session):
    make_session(open_event, title="Gala", requires_registration=True, capacity=3)
    for url in (f"/events/{open_event.slug}/", f"/events/{open_event.slug}/agenda"):
        response = client.get(url)
        assert f'href="/events/{open_event.slug}/register"' in response.get_data(as_text=True), url
        assert f'data-places="in_person" href="/events/{open_event.slug}/places"' in response.get_data(as_text=True), url
    # places left change with every registration: served live beside the cached pages
    assert "In person: 10 places left" in text(client.get(f"/events/{open_event.slug}/places"))
    assert "Gala: 3 places left" in text(client.get(f"/events/{open_event.slug}/places"))
    figures = client.get(f"/events/{open_event.slug}/places.json").get_json()
    assert figures["in_person"] == "10 places left" and "3 places left" in figures.values()


def test_lost_link_form_answers_the_same_whatever_the_address(client, open_event):
    register(client, open_event)
    outbox()[0].created_at -= timedelta(minutes=10)
    db.session.commit()
    known = client.post(f"/events/{open_event.slug}/lost-link", data={"email": "amina@example.org"}, follow_redirects=True)
    unknown = client.post(f"/events/{open_event.slug}/lost-link", data={"email": "nobody@example.org"}, follow_redirects=True)
    assert text(known).replace("amina", "X") == text(unknown).replace("nobody", "X")
    assert "If amina@example.org has a registration for this event" in text(known)
    assert [m.kind for m in outbox()] == ["confirmation", "reminder"]
    assert outbox("nobody@example.org") == []
    assert client.get(manage_path("amina@example.org")).status_code == 200


def test_lost_link_page_is_linked_from_the_event_page(client, open_event):
    html = client.get(f"/events/{open_event.slug}/").get_data(as_text=True)
    assert f'href="/events/{open_event.slug}/lost-link"' in html  # the form (with its CSRF token) is not cached
    assert "lost your link?" in html
    assert f'action="/events/{open_event.slug}/lost-link"' in client.get(f"/events/{open_event.slug}/lost-link").get_data(as_text=True)


def test_posting_without_a_csrf_token_is_refused(app, client, open_event):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(f"/events/{open_event.slug}/register", data=register_data())
    assert response.status_code == 400
    assert registrations() == []
    html = client.get(f"/events/{open_event.slug}/register").get_data(as_text=True)
    assert 'name="csrf_token"' in html


def test_too_many_submissions_from_one_address_get_a_friendly_429(app_config):
    class LimitedConfig(app_config):
        RATELIMIT_ENABLED = True
        REGISTRATION_RATE_LIMIT = "3 per minute"
        LOST_LINK_RATE_LIMIT = "2 per minute"

    app = create_app(LimitedConfig)
    with app.app_context():
        db.create_all()
        try:
            from eventapp.models import Event, RegistrationPolicy

            start = datetime.now(UTC) + timedelta(days=3)
            event = Event(slug="limited", title="Limited", status="published", starts_at=start,
                          ends_at=start + timedelta(hours=2), timezone="UTC")
            db.session.add_all([event, RegistrationPolicy(event=event, reference_prefix="LIM")])
            db.session.commit()
            client = app.test_client()
            codes = [
                client.post("/events/limited/register", data=register_data(email=f"p{i}@example.org")).status_code
                for i in range(4)
            ]
            assert codes == [302, 302, 302, 429]
            response = client.post("/events/limited/register", data=register_data(email="late@example.org"))
            assert response.status_code == 429
            assert "Too many requests" in text(response) and "wait a minute" in text(response)
            assert client.get("/events/limited/register").status_code == 200  # reading is not limited
            other = app.test_client()
            assert other.post("/events/limited/register", data=register_data(email="x@example.org"),
                              environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 302
            lost = [client.post("/events/limited/lost-link", data={"email": "p1@example.org"}).status_code for _ in range(3)]
            assert lost == [302, 302, 429]
            assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 4
        finally:
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


def test_testing_config_keeps_rate_limits_off():
    assert TestingConfig.RATELIMIT_ENABLED is False
