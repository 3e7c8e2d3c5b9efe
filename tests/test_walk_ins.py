"""Registrations added by organisers: from the desk (state chosen, e-mail optional) and walk-ins at check-in."""
import sqlalchemy as sa

from eventapp.extensions import db
from eventapp.models import AuditEntry, OutboxMessage, Registration, RegistrationPolicy
from eventapp.services.registration import walk_ins

from .conftest import text


def desk_add_url(event):
    return f"/manage/events/{event.id}/registrations/new"


def walk_in(**changes):
    data = dict(first_name="Kofi", last_name="Mensah", email="", organisation="Ghana Immigration Service",
                job_title="", stakeholder_group="member_state", country="GH", state="auto", locale="en")
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def set_capacity(n):
    db.session.scalar(sa.select(RegistrationPolicy)).in_person_capacity = n
    db.session.commit()


def test_over_capacity_needs_the_explicit_confirmation_and_is_audited(client, open_event, organiser,
                                                                     make_registration):
    set_capacity(1)
    make_registration(open_event)  # full
    user = organiser(open_event)
    response = client.post(desk_add_url(open_event), data=walk_in(state="confirmed"))
    assert response.status_code == 200
    assert "No place is left: tick “Confirm over capacity” to add this person anyway." in text(response)
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 1
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "registration.add")) is None

    response = client.post(desk_add_url(open_event), data=walk_in(state="confirmed", over_capacity="y"),
                           follow_redirects=True)
    assert "added for Kofi Mensah" in text(response)
    kofi = db.session.scalar(sa.select(Registration).where(Registration.last_name == "Mensah"))
    assert kofi.state == "confirmed" and kofi.email == ""
    assert kofi.history[-1].reason == "Added by an organiser over capacity"
    assert kofi.history[-1].actor == f"organiser:{user.email}"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "registration.add"))
    assert entry.target == kofi.reference and entry.user_email == user.email
    assert entry.details["over_capacity"] is True and entry.details["source"] == "desk"
    # "As the rules place them" puts the next one on the waiting list, without any confirmation.
    client.post(desk_add_url(open_event), data=walk_in(first_name="Lina", last_name="Haddad"))
    lina = db.session.scalar(sa.select(Registration).where(Registration.last_name == "Haddad"))
    assert lina.state == "waitlisted"
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_no_email_unless_the_organiser_chooses_to_send_it(client, open_event, organiser, make_session):
    gala = make_session(open_event, title="Gala dinner", requires_registration=True, capacity=5)
    organiser(open_event)
    assert "Gala dinner" in text(client.get(desk_add_url(open_event)))
    client.post(desk_add_url(open_event), data=dict(walk_in(email="quiet@example.org"), sessions=[str(gala.id)]))
    quiet = db.session.scalar(sa.select(Registration))
    assert [(b.session.title, b.state) for b in quiet.bookings] == [("Gala dinner", "confirmed")]
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
    response = client.post(desk_add_url(open_event), data=walk_in(send_confirmation="y"))
    assert "Give an e-mail address to send the confirmation." in text(response)
    client.post(desk_add_url(open_event), data=walk_in(first_name="Ama", email="ama@example.org",
                                                      send_confirmation="y", locale="fr"))
    sent = db.session.scalars(sa.select(OutboxMessage)).all()
    assert [m.recipient for m in sent] == ["ama@example.org"]
    assert sent[0].subject.startswith("Inscription confirmée")
    response = client.post(desk_add_url(open_event), data=walk_in(email="quiet@example.org"))
    assert "Someone is already registered with this address." in text(response)


def test_pending_is_offered_only_on_a_moderated_event(client, open_event, organiser):
    organiser(open_event)
    assert "Awaiting approval" not in text(client.get(desk_add_url(open_event)))
    response = client.post(desk_add_url(open_event), data=walk_in(state="pending"))
    assert response.status_code == 200 and "Not a valid choice" in text(response)
    db.session.scalar(sa.select(RegistrationPolicy)).approval_mode = "moderated"
    db.session.commit()
    client.post(desk_add_url(open_event), data=walk_in(state="pending"))
    assert db.session.scalar(sa.select(Registration.state)) == "pending"


def test_a_walk_in_is_registered_and_checked_in_from_the_check_in_screen(client, open_event, organiser):
    set_capacity(0)
    organiser(open_event)
    screen = text(client.get(f"/manage/events/{open_event.id}/checkin"))
    assert "Register a walk-in" in screen
    url = f"/manage/events/{open_event.id}/checkin/walk-in"
    form = {"first_name": "Nadia", "last_name": "Rahman", "stakeholder_group": "civil_society", "country": "BD",
            "check_in_now": "y"}
    response = client.post(url, data=form)
    assert "No place is left" in text(response)
    response = client.post(url, data=dict(form, over_capacity="y"), follow_redirects=True)
    page = text(response)
    assert "Nadia Rahman is registered" in page and "and checked in." in page
    assert "1 of 1 confirmed people checked in" in page
    nadia = db.session.scalar(sa.select(Registration))
    assert nadia.checked_in_at is not None and nadia.state == "confirmed"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "registration.add"))
    assert entry.details["source"] == "checkin" and entry.details["checked_in"] is True
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_an_organiser_of_another_event_cannot_add_registrations(client, open_event, make_event, make_policy, organiser):
    other = make_event()
    make_policy(other)
    organiser(other)
    assert client.post(desk_add_url(open_event), data=walk_in()).status_code in (403, 404)
    assert client.get(f"/manage/events/{open_event.id}/checkin/walk-in").status_code in (403, 404)


def test_the_service_refuses_a_check_in_for_someone_not_confirmed(open_event, make_user):
    import pytest
    from eventapp.services.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        walk_ins.add_registration(open_event, walk_in(), make_user(), state="waitlisted", check_in=True)


def test_an_organiser_edits_a_walk_in_without_an_address_and_may_add_one_later(client, open_event, organiser):
    organiser(open_event)
    client.post(desk_add_url(open_event), data=walk_in())
    kofi = db.session.scalar(sa.select(Registration))
    edit_url = f"/manage/events/{open_event.id}/registrations/{kofi.id}/edit"
    fields = dict(first_name="Kofi", last_name="Mensah-Owusu", email="", organisation="GIS", job_title="",
                  stakeholder_group="member_state", country="GH")
    response = client.post(edit_url, data=fields, follow_redirects=True)
    assert "saved" in text(response)
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
    client.post(edit_url, data=dict(fields, email="kofi@example.org"), follow_redirects=True)
    db.session.expire_all()
    assert kofi.email == "kofi@example.org"
    assert [(m.recipient, m.kind) for m in db.session.scalars(sa.select(OutboxMessage))] == [
        ("kofi@example.org", "reminder")]
