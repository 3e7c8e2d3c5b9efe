"""Editing the agenda's working copy: sessions with their checks and warnings, people."""
from datetime import datetime, timezone

import sqlalchemy as sa

from eventapp.extensions import db
from eventapp.models import DraftSession, EventSession, Person

from .conftest import local, text


def session_data(**changes):
    data = {"title": "Panel on pathways", "session_type": "panel", "starts_at": "2030-05-06T10:00",
            "ends_at": "2030-05-06T11:30", "room_id": 0, "description": "", "capacity": ""}
    data.update(changes)
    return data


def drafts(event):
    return db.session.scalars(sa.select(DraftSession).where(DraftSession.event_id == event.id).order_by(DraftSession.id)).all()


def test_new_session_is_checked_and_stays_out_of_the_public_agenda(client, make_event, organiser):
    event = make_event(slug="geneva")
    organiser(event)
    url = f"/manage/events/{event.id}/sessions/new"
    for changes, message in [
        ({"ends_at": "2030-05-06T09:30"}, "The session must end after it starts."),
        ({"starts_at": "2030-05-06T17:30", "ends_at": "2030-05-06T19:00"},
         "The session must take place within the event's dates, 2030-05-06 09:00 to 2030-05-06 18:00 (Zurich time)."),
        ({"title": ""}, "This field is required."),
        ({"capacity": "0"}, "Number must be at least 1."),
        ({"starts_at": "tomorrow"}, "Not a valid datetime value."),
    ]:
        response = client.post(url, data=session_data(**changes))
        assert response.status_code == 200 and message in text(response), message
    assert drafts(event) == []

    response = client.post(url, data=session_data(capacity="80", requires_registration="y",
                                                   description="Line one\r\n\r\n- a point"), follow_redirects=True)
    assert "Session “Panel on pathways” saved in the working copy. Publish a revision to show it." in text(response)
    [draft] = drafts(event)
    assert draft.starts_at == datetime(2030, 5, 6, 8, 0, tzinfo=timezone.utc)  # 10:00 in Geneva summer time
    assert draft.capacity == 80 and draft.requires_registration and draft.description == "Line one\n\n- a point"
    assert "Panel on pathways" not in text(client.get("/events/geneva/agenda"))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EventSession)) == 0


def test_a_time_skipped_by_the_spring_clock_change_is_refused(client, make_event, organiser):
    event = make_event(starts_at=local("Europe/Zurich", 2030, 3, 30, 9, 0), ends_at=local("Europe/Zurich", 2030, 3, 31, 18, 0))
    organiser(event)
    response = client.post(f"/manage/events/{event.id}/sessions/new",
                           data=session_data(starts_at="2030-03-31T02:30", ends_at="2030-03-31T04:00"))
    assert "2030-03-31 02:30 does not exist in Europe/Zurich: the clocks go forward at that moment" in text(response)
    client.post(f"/manage/events/{event.id}/sessions/new", data=session_data(starts_at="2030-03-31T01:30", ends_at="2030-03-31T03:30"))
    [draft] = drafts(event)
    assert draft.ends_at - draft.starts_at == (datetime(2030, 3, 31, 1, 30) - datetime(2030, 3, 31, 0, 30))  # one real hour


def test_room_and_speaker_clashes_are_warnings_not_errors(client, make_event, make_room, make_person, organiser):
    event = make_event()
    room = make_room(event, "Room XVIII")
    person = make_person(name="Amy Pope")
    organiser(event)
    client.post(f"/manage/events/{event.id}/people/new", data={"name": "Amy Pope", "affiliation": "IOM"})
    pope = db.session.scalar(sa.select(Person).where(Person.name == "Amy Pope", Person.id != person.id))
    url = f"/manage/events/{event.id}/sessions/new"
    client.post(url, data=session_data(title="Opening", room_id=room.id, **{"speakers-0-person_id": pope.id, "speakers-0-role": "keynote"}))
    response = client.post(url, data=session_data(title="Side meeting", starts_at="2030-05-06T11:00", ends_at="2030-05-06T12:00",
                                                   room_id=room.id, **{"speakers-0-person_id": pope.id, "speakers-0-role": "host"}),
                           follow_redirects=True)
    page = text(response)
    assert "Session “Side meeting” saved" in page
    assert "Warning: “Opening” and “Side meeting” are both in Room XVIII at 2030-05-06 11:00." in page
    assert "Warning: Amy Pope speaks in both “Opening” and “Side meeting” at 2030-05-06 11:00." in page
    assert len(drafts(event)) == 2
    listing = text(client.get(f"/manage/events/{event.id}/sessions/"))
    assert "Warnings" in listing and "are both in Room XVIII" in listing
    assert [(s.person.name, s.role) for s in drafts(event)[1].speakers] == [("Amy Pope", "host")]


def test_speakers_are_chosen_from_the_event_people_only(client, make_event, make_person, organiser):
    event = make_event()
    stranger = make_person(name="Not of this event")
    organiser(event)
    response = client.post(f"/manage/events/{event.id}/sessions/new",
                           data=session_data(**{"speakers-0-person_id": stranger.id, "speakers-0-role": "panelist"}))
    assert "Choose speakers from the event's people." in text(response)


def test_duplicate_move_delete_and_cancel(client, make_event, make_room, organiser):
    event = make_event()
    annex = make_room(event, "Annex")
    organiser(event)
    client.post(f"/manage/events/{event.id}/sessions/new", data=session_data())
    [original] = drafts(event)
    response = client.post(f"/manage/events/{event.id}/sessions/{original.id}/duplicate", follow_redirects=True)
    assert "Session duplicated: change the copy's time or room." in text(response)
    copy = drafts(event)[1]
    assert copy.title == original.title and copy.uid != original.uid and copy.starts_at == original.starts_at

    response = client.post(f"/manage/events/{event.id}/sessions/{copy.id}/move",
                           data={"starts_at": "2030-05-06T14:00", "room_id": annex.id}, follow_redirects=True)
    assert "Session “Panel on pathways” moved." in text(response)
    db.session.refresh(copy)
    assert copy.starts_at == datetime(2030, 5, 6, 12, 0, tzinfo=timezone.utc)
    assert copy.ends_at == datetime(2030, 5, 6, 13, 30, tzinfo=timezone.utc) and copy.room.name == "Annex"
    response = client.post(f"/manage/events/{event.id}/sessions/{copy.id}/move", data={"starts_at": "2030-05-06T17:00", "room_id": 0})
    assert "The session must take place within the event's dates" in text(response)

    response = client.post(f"/manage/events/{event.id}/sessions/{copy.id}/delete", follow_redirects=True)
    assert "Session “Panel on pathways” deleted." in text(response)
    assert len(drafts(event)) == 1

    client.post(f"/manage/events/{event.id}/agenda/publish", data={"label": "Draft agenda", "is_final": "draft"})
    response = client.post(f"/manage/events/{event.id}/sessions/{original.id}/delete", follow_redirects=True)
    assert "“Panel on pathways” has been published: cancel it instead" in text(response)
    response = client.post(f"/manage/events/{event.id}/sessions/{original.id}/cancel", follow_redirects=True)
    assert "Session “Panel on pathways” cancelled in the working copy." in text(response)
    assert drafts(event)[0].is_cancelled
    client.post(f"/manage/events/{event.id}/sessions/{original.id}/cancel", data={"restore": "1"})
    assert not drafts(event)[0].is_cancelled


def test_editing_a_session_changes_its_speakers_roles_and_details(client, make_event, organiser):
    event = make_event()
    organiser(event)
    for name in ("Amina Diallo", "Li Wei"):
        client.post(f"/manage/events/{event.id}/people/new", data={"name": name, "affiliation": "Diaspora forum", "bio": "Short bio."})
    amina, li = db.session.scalars(sa.select(Person).order_by(Person.name)).all()
    client.post(f"/manage/events/{event.id}/sessions/new", data=session_data(**{"speakers-0-person_id": amina.id, "speakers-0-role": "moderator"}))
    [draft] = drafts(event)
    form = client.get(f"/manage/events/{event.id}/sessions/{draft.id}/edit").get_data(as_text=True)
    assert 'value="2030-05-06T10:00"' in form and "Amina Diallo, Diaspora forum" in form
    client.post(f"/manage/events/{event.id}/sessions/{draft.id}/edit", data=session_data(
        title="Panel 1", **{"speakers-0-person_id": li.id, "speakers-0-role": "moderator",
                            "speakers-1-person_id": amina.id, "speakers-1-role": "panelist"}))
    response = client.post(f"/manage/events/{event.id}/sessions/{draft.id}/edit", data=session_data(
        **{"speakers-0-person_id": li.id, "speakers-0-role": "moderator", "speakers-1-person_id": li.id, "speakers-1-role": "panelist"}))
    assert "A person is listed twice among the speakers." in text(response)
    db.session.expire_all()
    assert draft.title == "Panel 1"
    assert [(s.person.name, s.role) for s in draft.speakers] == [("Li Wei", "moderator"), ("Amina Diallo", "panelist")]


def test_people_are_added_and_edited_with_affiliation_and_bio(client, make_event, organiser):
    event = make_event()
    organiser(event)
    response = client.post(f"/manage/events/{event.id}/people/new", data={"name": ""})
    assert "This field is required." in text(response)
    response = client.post(f"/manage/events/{event.id}/people/new", data={
        "name": "Zoë Ngũgĩ", "affiliation": "Diaspora forum", "position_title": "Director", "bio": "Works on remittances."},
        follow_redirects=True)
    assert "Zoë Ngũgĩ saved." in text(response) and "Director, Diaspora forum" in text(response)
    person = db.session.scalar(sa.select(Person))
    assert person.slug == "zoe-ngugi"
    client.post(f"/manage/events/{event.id}/people/{person.id}/edit", data={"name": "Zoë Ngũgĩ", "affiliation": "IOM", "bio": "New bio."})
    db.session.refresh(person)
    assert person.affiliation == "IOM" and person.bio == "New bio."
