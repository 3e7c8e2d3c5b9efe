"""Check-in at the door of a session with its own places, besides the event's entrance."""
import sqlalchemy as sa

from eventapp.extensions import db
from eventapp.models import AuditEntry, Registration, SessionBooking
from eventapp.services.desk import badges, session_checkin

from .conftest import text


def test_a_session_door_checks_in_only_people_with_a_place_there(client, open_event, organiser, make_session,
                                                                 make_participant):
    ceremony = make_session(open_event, title="Awards ceremony", requires_registration=True, capacity=1)
    make_session(open_event, title="Plenary")  # no places of its own: no door
    db.session.commit()
    seated = make_participant(open_event, first_name="Kofi", last_name="Mensah", sessions=[ceremony.id])
    waiting = make_participant(open_event, first_name="Ana", last_name="Silva", sessions=[ceremony.id])
    elsewhere = make_participant(open_event, first_name="Li", last_name="Wei")
    organiser(open_event)
    entrance = f"/manage/events/{open_event.id}/checkin"
    page = text(client.get(entrance))
    assert "The event's entrance" in page and "Awards ceremony" in page and "Plenary" not in page
    door = f"{entrance}?session={ceremony.id}"
    page = text(client.get(door))
    assert "only people with a confirmed place at this session are let in" in page
    assert "0 of 1 confirmed people checked in" in page

    scan = f"{entrance}/scan?session={ceremony.id}"
    first = client.post(scan, json={"q": badges.checkin_value(seated)}).get_json()
    assert first["outcome"] == "checked_in" and first["person"]["name"] == "Kofi Mensah"
    assert first["counts"] == {"expected": 1, "checked_in": 1, "by_mode": {}}
    again = client.post(scan, json={"q": seated.reference}).get_json()
    assert again["outcome"] == "already" and again["message"].startswith("Already checked in at")
    assert client.post(scan, json={"q": waiting.reference}).get_json()["message"] == \
        "On the session's waiting list: no place yet"
    assert client.post(scan, json={"q": elsewhere.reference}).get_json()["message"] == \
        "No place at this session: registered for the event only"
    # The session's door is not the entrance: the entrance still counts nobody in.
    assert client.get(f"{entrance}/counts").get_json()["checked_in"] == 0
    assert db.session.get(Registration, seated.id).checked_in_at is None
    booking = db.session.scalar(sa.select(SessionBooking).where(SessionBooking.registration_id == seated.id))
    assert booking.checked_in_at is not None
    typed = client.post(door, data={"q": "Mensah"})
    assert "Already checked in at" in text(typed)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "registration.checkin"))
    assert entry.details == {"session_id": ceremony.id, "session": "Awards ceremony"}
    assert client.get(f"{entrance}?session=999999").status_code == 404


def test_checking_in_at_a_session_twice_at_once_counts_once(open_event, make_session, make_participant):
    ceremony = make_session(open_event, title="Awards ceremony", requires_registration=True)
    db.session.commit()
    person = make_participant(open_event, sessions=[ceremony.id])
    assert session_checkin.check_in(open_event, ceremony, person.reference).outcome == "checked_in"
    assert session_checkin.check_in(open_event, ceremony, person.reference).outcome == "already"
    assert session_checkin.counts(ceremony)["checked_in"] == 1
