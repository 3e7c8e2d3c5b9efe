"""Two requests changing the same thing at once: the loser gets a clear 409 page, never a 500.

Each test makes "the other request" commit its change at the last moment, just before this
request writes (a before_flush hook running the other request's statement), which is what
happens when two organisers press the button at the same time.
"""
import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventapp.extensions import db
from eventapp.models import Room, event_organisers

from .conftest import PASSWORD


def other_request_first(statement):
    """Run `statement` just before this request's first flush, as a faster concurrent request would."""
    def before_flush(session, flush_context, instances):
        session.connection().execute(statement)

    sa.event.listen(Session, "before_flush", before_flush, once=True)


def sign_in_admin(client, make_user, events=()):
    admin = make_user(role="admin", events=list(events))
    client.post("/manage/login", data={"email": admin.email, "password": PASSWORD})
    return admin


def test_removing_a_room_another_organiser_just_removed_answers_409(client, make_event, make_room, make_user):
    event = make_event()
    room = make_room(event, "Salle 1")
    sign_in_admin(client, make_user, [event])
    other_request_first(sa.delete(Room).where(Room.id == room.id))
    response = client.post(f"/manage/events/{event.id}/rooms",
                           data={"rooms-0-room_id": str(room.id), "rooms-0-room_name": ""})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "This was changed meanwhile" in page and "Reload the page" in page
    assert client.get(f"/manage/events/{event.id}/rooms").status_code == 200  # the next request is fine


def test_naming_the_same_organiser_twice_at_once_answers_409(client, make_event, make_user):
    event = make_event()
    organiser = make_user()
    sign_in_admin(client, make_user)
    other_request_first(sa.insert(event_organisers).values(event_id=event.id, user_id=organiser.id))
    response = client.post(f"/manage/users/{organiser.id}/edit",
                           data={"role": "organiser", "is_active": "y", "events": str(event.id)})
    assert response.status_code == 409
    assert "This was changed meanwhile" in response.get_data(as_text=True)


def test_the_409_page_is_translated(client, make_event, make_room, make_user):
    event = make_event()
    room = make_room(event, "Salle 1")
    sign_in_admin(client, make_user, [event])
    other_request_first(sa.delete(Room).where(Room.id == room.id))
    response = client.post(f"/manage/events/{event.id}/rooms?lang=fr",
                           data={"rooms-0-room_id": str(room.id), "rooms-0-room_name": ""})
    assert response.status_code == 409
    assert "modifié entre-temps" in response.get_data(as_text=True)
