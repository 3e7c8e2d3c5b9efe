"""Creating and editing events from the browser: details, sections, tags, rooms, visibility."""
import sqlalchemy as sa

from eventapp.extensions import db
from eventapp.models import AuditEntry, Event

from .conftest import text

VALID = {"title": "IDM 2031: first session", "slug": "idm-2031-ny", "kind": "idm", "timezone": "America/New_York",
         "starts_at": "2031-05-12T09:00", "ends_at": "2031-05-13T18:00", "venue_name": "UN Headquarters",
         "venue_address": "405 East 42nd Street", "city": "New York", "country_code": "US", "summary": "Two days."}


def test_creating_an_event_checks_each_field_and_keeps_it_hidden(client, make_user, login):
    user = make_user()
    login(user)
    for change, message in [
        ({"timezone": "Europe/Geneva"}, "“Europe/Geneva” is not a time zone name"),
        ({"ends_at": "2031-05-12T08:00"}, "The event must end after it starts."),
        ({"slug": "IDM 2031"}, "The web address name may use lower-case letters"),
        ({"country_code": "XX"}, "“XX” is not a two-letter country code"),
        ({"title": ""}, "This field is required."),
        ({"starts_at": "2031-03-09T02:30", "ends_at": "2031-03-10T18:00"}, "2031-03-09 02:30 does not exist in America/New_York"),
    ]:
        response = client.post("/manage/events/new", data={**VALID, **change})
        assert response.status_code == 200 and message in text(response), message
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0

    response = client.post("/manage/events/new", data=VALID, follow_redirects=True)
    assert "Event created. It is hidden from the public until you publish it." in text(response)
    event = db.session.scalar(sa.select(Event))
    assert event.starts_at.isoformat() == "2031-05-12T13:00:00+00:00"  # 09:00 EDT
    assert user.events == [event]  # the organiser who created it manages it
    assert client.get("/events/idm-2031-ny/").status_code == 404
    response = client.post("/manage/events/new", data=VALID)
    assert "Another event already uses the web address name “idm-2031-ny”." in text(response)


def test_editing_an_event_shows_sections_and_tags_once_public(client, make_event, organiser):
    event = make_event(status="draft", slug="m4sd", title="Board meeting")
    organiser(event)
    form = client.get(f"/manage/events/{event.id}/edit").get_data(as_text=True)
    assert 'value="Board meeting"' in form and 'value="2030-05-06T09:00"' in form
    data = {**VALID, "slug": "m4sd", "timezone": "Africa/Casablanca", "city": "Rabat", "starts_at": "2030-06-13T09:00", "ends_at": "2030-06-14T17:00",
            "sections-0-heading": "Participating Countries", "sections-0-body": "Bangladesh, Ecuador\r\n\r\n- Morocco\r\n- Nepal",
            "sections-1-heading": "", "sections-1-body": "", "sdgs": ["17", "8"], "gcms": ["19"]}
    response = client.post(f"/manage/events/{event.id}/edit", data=data, follow_redirects=True)
    assert "Event saved." in text(response)
    assert client.get("/events/m4sd/").status_code == 404
    response = client.post(f"/manage/events/{event.id}/publish-event", follow_redirects=True)
    assert "The event is now public." in text(response)
    page = text(client.get("/events/m4sd/"))
    assert "Participating Countries" in page and "Bangladesh, Ecuador" in page
    assert "SDG 8: Decent Work and Economic Growth" in page and "SDG 17: Partnerships for the Goals" in page
    assert "GCM Objective 19: Create conditions for migrants and diasporas to fully contribute" in page
    assert "Rabat time" in page  # the venue's city names the zone, not "Africa/Casablanca"
    response = client.post(f"/manage/events/{event.id}/edit", data={**data, "sections-0-body": ""})
    assert "Each section needs both a heading and a text." in text(response)
    client.post(f"/manage/events/{event.id}/unpublish-event")
    assert client.get("/events/m4sd/").status_code == 404
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.event_id == event.id).order_by(AuditEntry.id)).all()
    assert actions == ["event.update", "event.publish", "event.unpublish"]


def test_event_dates_cannot_leave_planned_sessions_outside(client, make_event, organiser):
    event = make_event(slug="dates")
    organiser(event)
    client.post(f"/manage/events/{event.id}/sessions/new", data={
        "title": "Late panel", "session_type": "panel", "starts_at": "2030-05-06T16:00", "ends_at": "2030-05-06T17:00", "room_id": 0})
    data = {**VALID, "slug": "dates", "timezone": "Europe/Zurich", "starts_at": "2030-05-06T09:00", "ends_at": "2030-05-06T12:00"}
    response = client.post(f"/manage/events/{event.id}/edit", data=data)
    assert "1 session(s) would fall outside the new dates, starting with “Late panel”." in text(response)


def test_rooms_are_added_renamed_reordered_and_only_unused_ones_removed(client, make_event, make_room, organiser):
    event = make_event()
    hall = make_room(event, "Main hall", 0)
    organiser(event)
    response = client.post(f"/manage/events/{event.id}/rooms", data={
        "rooms-0-room_id": hall.id, "rooms-0-room_name": "Plenary hall", "rooms-1-room_id": "", "rooms-1-room_name": "Annex"},
        follow_redirects=True)
    assert "Rooms saved." in text(response)
    assert [r.name for r in event.rooms] == ["Plenary hall", "Annex"]
    annex = event.rooms[1]
    client.post(f"/manage/events/{event.id}/sessions/new", data={
        "title": "In the annex", "session_type": "panel", "starts_at": "2030-05-06T10:00", "ends_at": "2030-05-06T11:00",
        "room_id": annex.id})
    response = client.post(f"/manage/events/{event.id}/rooms", data={
        "rooms-0-room_id": hall.id, "rooms-0-room_name": "Plenary hall", "rooms-1-room_id": annex.id, "rooms-1-room_name": ""})
    assert "The room “Annex” is used by a session: move that session first." in text(response)
    response = client.post(f"/manage/events/{event.id}/rooms", data={  # swap order and names
        "rooms-0-room_id": annex.id, "rooms-0-room_name": "Plenary hall", "rooms-1-room_id": hall.id, "rooms-1-room_name": "Annex"},
        follow_redirects=True)
    assert "Rooms saved." in text(response)
    db.session.expire_all()
    assert [(r.id, r.name) for r in event.rooms] == [(annex.id, "Plenary hall"), (hall.id, "Annex")]
    response = client.post(f"/manage/events/{event.id}/rooms", data={
        "rooms-0-room_id": annex.id, "rooms-0-room_name": "Same", "rooms-1-room_id": hall.id, "rooms-1-room_name": "same"})
    assert "Two rooms have the same name." in text(response)
