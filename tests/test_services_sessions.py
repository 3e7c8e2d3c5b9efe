"""update_session: SEQUENCE and the last-modified stamp move only when they should."""
from datetime import timedelta

from eventapp.extensions import db
from eventapp.services.agenda.sessions import cancel_session, update_session


def test_time_change_bumps_sequence_and_stamp_but_keeps_uid(app, make_event, make_session):
    item = make_session(make_event())
    uid, stamp = item.uid, item.updated_at
    changed = update_session(item, starts_at=item.starts_at + timedelta(hours=1), ends_at=item.ends_at + timedelta(hours=1))
    db.session.commit()
    assert changed == {"starts_at", "ends_at"}
    assert item.sequence == 1 and item.uid == uid and item.updated_at > stamp


def test_description_change_raises_the_sequence_and_moves_the_stamp(app, make_event, make_session):
    """What the calendar entry says changed, so clients must replace their copy (issue 14, point 4)."""
    item = make_session(make_event())
    stamp = item.updated_at
    assert update_session(item, description="More detail") == {"description"}
    assert item.sequence == 1 and item.updated_at > stamp


def test_setting_the_same_values_changes_nothing(app, make_event, make_session):
    item = make_session(make_event(), title="Same")
    stamp = item.updated_at
    assert update_session(item, title="Same", starts_at=item.starts_at) == set()
    assert item.sequence == 0 and item.updated_at == stamp


def test_room_change_and_cancellation_bump_sequence(app, make_event, make_session, make_room):
    event = make_event()
    item = make_session(event)
    room = make_room(event, "Annex")
    update_session(item, room_id=room.id)
    db.session.commit()
    assert item.room.name == "Annex" and item.sequence == 1
    cancel_session(item)
    assert item.is_cancelled and item.sequence == 2


def test_speaker_changes_bump_sequence_and_keep_rows_of_people_who_stay(app, make_event, make_session, make_person):
    amina, zoe, li = make_person(name="Amina"), make_person(name="Zoë"), make_person(name="Li")
    item = make_session(make_event(), speakers=[(amina, "moderator"), (zoe, "panelist")])
    kept_row = item.speakers[1].id
    assert update_session(item, speakers=[(amina.id, "moderator"), (zoe.id, "panelist")]) == set()
    assert item.sequence == 0
    assert update_session(item, speakers=[(zoe.id, "moderator"), (li.id, "panelist")]) == {"speakers"}
    db.session.commit()
    db.session.expire_all()
    assert [(s.person.name, s.role) for s in item.speakers] == [("Zoë", "moderator"), ("Li", "panelist")]
    assert item.speakers[0].id == kept_row and item.sequence == 1
