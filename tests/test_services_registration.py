"""Registration rules tested directly: approval, declining, capacity changes, promotion, calendar."""
from datetime import datetime, timedelta, timezone

import icalendar
import pytest
import sqlalchemy as sa

from eventapp.extensions import db
from eventapp.models import Registration, RegistrationChange
from eventapp.services.registration import capacity
from eventapp.services.registration import register as registrations
from eventapp.services.errors import DomainError

from .conftest import outbox

UTC = timezone.utc


def data(address, **changes):
    values = dict(
        first_name="Ana", last_name="Silva", email=address, stakeholder_group="civil_society", country="BR",
        sessions=[], listed_publicly=False,
    )
    values.update(changes)
    return values


@pytest.fixture
def sign_up(app):
    def sign_up(event, address, **changes):
        outcome = registrations.register(event, data(address, **changes))
        db.session.commit()
        return outcome.registration

    return sign_up


@pytest.fixture
def moderated(make_event, make_policy):
    event = make_event(starts_at=datetime.now(UTC) + timedelta(days=20))
    make_policy(event, approval_mode="moderated", in_person_capacity=1)
    return event


def states(event):
    db.session.expire_all()
    rows = db.session.scalars(sa.select(Registration).where(Registration.event_id == event.id).order_by(Registration.id))
    return [r.state for r in rows]


def test_moderated_registrations_wait_for_approval_then_take_a_place_or_join_the_list(moderated, sign_up):
    first, second = sign_up(moderated, "a@example.org"), sign_up(moderated, "b@example.org")
    assert states(moderated) == ["pending", "pending"]
    registrations.approve(first, actor="organiser:maria")
    db.session.commit()
    registrations.approve(second, actor="organiser:maria")
    db.session.commit()
    assert states(moderated) == ["confirmed", "waitlisted"]
    assert outbox("a@example.org")[-1].subject.startswith("Registration approved")
    assert "waiting list, number 1" in outbox("b@example.org")[-1].text_body
    last = first.history[-1]
    assert (last.from_state, last.to_state, last.reason, last.actor) == ("pending", "confirmed", "Approved", "organiser:maria")
    with pytest.raises(DomainError, match="Only a registration awaiting approval"):
        registrations.approve(first, actor="organiser:maria")


def test_declining_needs_a_reason_tells_the_person_and_frees_the_place(moderated, sign_up):
    first, second = sign_up(moderated, "a@example.org"), sign_up(moderated, "b@example.org")
    for r in (first, second):
        registrations.approve(r, actor="organiser")
        db.session.commit()
    with pytest.raises(DomainError, match="reason"):
        registrations.decline(first, reason="  ", actor="organiser")
    db.session.rollback()
    registrations.decline(first, reason="Accreditation is for delegations only.", actor="organiser")
    db.session.commit()
    assert states(moderated) == ["declined", "confirmed"]
    declined = outbox("a@example.org")[-1]
    assert declined.subject.startswith("Registration declined")
    assert "Accreditation is for delegations only." in declined.text_body
    assert "/registrations/" not in declined.text_body  # a declined registration has nothing to manage
    assert outbox("b@example.org")[-1].kind == "promoted"


def test_raising_capacity_promotes_the_waiting_list_in_order(open_event, sign_up):
    capacity.change_capacity(open_event, in_person=2)
    db.session.commit()
    people = [sign_up(open_event, f"p{i}@example.org") for i in range(6)]
    assert states(open_event) == ["confirmed"] * 2 + ["waitlisted"] * 4
    assert [capacity.waitlist_position(p) for p in people[2:]] == [1, 2, 3, 4]
    promoted = capacity.change_capacity(open_event, in_person=4)
    db.session.commit()
    assert [p.email for p in promoted] == ["p2@example.org", "p3@example.org"]
    assert states(open_event) == ["confirmed"] * 4 + ["waitlisted"] * 2
    assert outbox("p3@example.org")[-1].kind == "promoted"
    assert capacity.change_capacity(open_event, in_person=None) and states(open_event) == ["confirmed"] * 6


def test_lowering_capacity_keeps_everyone_confirmed_and_new_people_wait(open_event, sign_up):
    sign_up(open_event, "a@example.org")
    sign_up(open_event, "b@example.org")
    capacity.change_capacity(open_event, in_person=1)
    db.session.commit()
    sign_up(open_event, "c@example.org")
    assert states(open_event) == ["confirmed", "confirmed", "waitlisted"]
    registrations.cancel(db.session.scalar(sa.select(Registration).filter_by(email_key="a@example.org")))
    db.session.commit()
    assert states(open_event) == ["cancelled", "confirmed", "waitlisted"]  # still one too many


def test_raising_a_sessions_capacity_promotes_its_waiting_list(open_event, make_session, sign_up):
    gala = make_session(open_event, title="Gala", requires_registration=True, capacity=1)
    people = [sign_up(open_event, f"p{i}@example.org", sessions=[gala.id]) for i in range(3)]
    assert [p.bookings[0].state for p in people] == ["confirmed", "waitlisted", "waitlisted"]
    promoted = capacity.change_session_capacity(gala, 2)
    db.session.commit()
    assert [b.registration.email for b in promoted] == ["p1@example.org"]
    assert outbox("p1@example.org")[-1].kind == "session_promoted"
    db.session.expire_all()
    assert [p.bookings[0].state for p in people] == ["confirmed", "confirmed", "waitlisted"]


def test_a_waitlisted_registration_holds_no_session_place_until_promoted(open_event, make_session, sign_up):
    capacity.change_capacity(open_event, in_person=1)
    gala = make_session(open_event, title="Gala", requires_registration=True, capacity=5)
    first = sign_up(open_event, "a@example.org", sessions=[gala.id])
    second = sign_up(open_event, "b@example.org", sessions=[gala.id])
    assert (second.state, second.bookings[0].state) == ("waitlisted", "pending")
    assert capacity.session_places_left(gala) == 4
    registrations.cancel(first)
    db.session.commit()
    db.session.expire_all()
    assert (second.state, second.bookings[0].state) == ("confirmed", "confirmed")
    assert first.bookings[0].state == "cancelled"


def test_switching_to_a_full_mode_is_refused_and_keeps_the_place(make_event, make_policy, sign_up):
    event = make_event(starts_at=datetime.now(UTC) + timedelta(days=20))
    make_policy(event, is_hybrid=True, in_person_capacity=1, online_capacity=None)
    first = sign_up(event, "a@example.org", mode="in_person")
    online = sign_up(event, "b@example.org", mode="online")
    waiting = sign_up(event, "c@example.org", mode="in_person")
    assert states(event) == ["confirmed", "confirmed", "waitlisted"]
    with pytest.raises(DomainError, match="No place is left"):
        registrations.edit(online, data("b@example.org", mode="in_person"))
    db.session.rollback()
    # The in-person participant moves online: the first in line for in person gets the place.
    registrations.edit(first, data("a@example.org", mode="online"))
    db.session.commit()
    assert states(event) == ["confirmed", "confirmed", "confirmed"]
    assert waiting.mode == "in_person" and outbox("c@example.org")[-1].kind == "promoted"


def test_every_change_is_recorded_with_time_reason_and_actor(open_event, sign_up):
    person = sign_up(open_event, "a@example.org")
    registrations.cancel(person, reason="Travel cancelled")
    db.session.commit()
    rows = db.session.scalars(sa.select(RegistrationChange).order_by(RegistrationChange.id)).all()
    assert [(r.from_state, r.to_state, r.reason, r.actor) for r in rows] == [
        (None, "confirmed", "Registered", "participant"),
        ("confirmed", "cancelled", "Travel cancelled", "participant"),
    ]
    assert all(abs(r.at - datetime.now(UTC)) < timedelta(minutes=1) for r in rows)
    with pytest.raises(DomainError):
        registrations.cancel(person)


def test_references_are_unique_and_use_an_unambiguous_alphabet(open_event, sign_up):
    refs = [sign_up(open_event, f"p{i}@example.org").reference for i in range(30)]
    assert len(set(refs)) == 30
    codes = "".join(r.split("-")[1] for r in refs)
    assert not set(codes) & set("01ILOU")


def test_registration_is_refused_outside_its_window(make_event, make_policy):
    event = make_event(starts_at=datetime.now(UTC) + timedelta(days=20))
    make_policy(event, opens_at=datetime.now(UTC) + timedelta(days=1))
    with pytest.raises(registrations.RegistrationClosed):
        registrations.register(event, data("a@example.org"))
    db.session.rollback()
    outcome = registrations.register(event, data("a@example.org"), now=datetime.now(UTC) + timedelta(days=2))
    assert outcome.created


def test_the_calendar_attachment_has_the_programme_and_each_booked_session(app, make_event, make_policy, make_session, make_room, sign_up):
    from eventapp.services.calendars.registrant import registration_attachment

    event = make_event(starts_at=datetime(2030, 6, 12, 8, 0, tzinfo=UTC), timezone="Europe/Zurich")
    make_policy(event, opens_at=None)
    room = make_room(event, "Room 2")
    opening = make_session(event, title="Opening")
    gala = make_session(event, title="Gala", requires_registration=True, capacity=5, room=room,
                        starts_at=datetime(2030, 6, 12, 16, 30, tzinfo=UTC))
    make_session(event, title="Workshop with its own places", requires_registration=True, capacity=5)
    gala.sequence = 3
    db.session.commit()
    person = sign_up(event, "a@example.org", sessions=[gala.id])
    cal = icalendar.Calendar.from_ical(registration_attachment(person).data)
    assert (str(cal["VERSION"]), str(cal["CALSCALE"])) == ("2.0", "GREGORIAN")
    assert "PRODID" in cal and "METHOD" not in cal and "X-WR-CALNAME" not in cal
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {opening.uid, gala.uid}  # not the workshop: no place asked for there
    session_event = events[gala.uid]
    assert int(session_event["SEQUENCE"]) == 3
    assert str(session_event["SUMMARY"]) == "Gala (Place confirmed)"
    assert str(events[opening.uid]["SUMMARY"]) == "Opening (Confirmed)"
    assert session_event["DTSTART"].params["TZID"] == "Europe/Zurich"
    assert session_event.decoded("DTSTART").hour == 18  # 16:30 UTC is 18:30 in Geneva in summer time
    assert "Room 2" in str(session_event["LOCATION"])
    assert all("ORGANIZER" not in e and "ATTENDEE" not in e for e in events.values())
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Zurich"]
    [message] = outbox("a@example.org")
    assert [(a.filename, a.content_type) for a in message.attachments] == [(f"{person.reference}.ics", "text/calendar")]

