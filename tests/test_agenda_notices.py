"""Registrants hear of agenda changes that concern them, once per publication, through the outbox and SMTP."""
from datetime import timedelta

import icalendar
import sqlalchemy as sa

from eventapp.extensions import db
from eventapp.models import DraftSession, Registration
from eventapp.services import mail
from eventapp.services.agenda import notices as agenda_notices
from eventapp.services.agenda import revisions
from eventapp.services.agenda.working_copy import ensure_working_copy

from .conftest import outbox, register_data, text


def register(client, event, **changes):
    return client.post(f"/events/{event.slug}/register", data=register_data(**changes), follow_redirects=True)


def draft_of(session):
    return db.session.scalar(sa.select(DraftSession).where(DraftSession.session_id == session.id))


def local_input(event, value):
    from zoneinfo import ZoneInfo

    return value.astimezone(ZoneInfo(event.timezone)).strftime("%Y-%m-%dT%H:%M")


def agenda_mails():
    return [m for m in outbox() if m.kind == "agenda_changed"]


def test_registrants_booked_on_a_moved_session_get_one_summary_with_their_link_and_calendar(
        client, open_event, make_session, organiser, smtp):
    workshop = make_session(open_event, title="Workshop on skills mobility", requires_registration=True, capacity=20)
    dinner = make_session(open_event, title="Dinner", starts_at=open_event.starts_at + timedelta(hours=8),
                          requires_registration=True, capacity=20)
    make_session(open_event, title="Plenary", starts_at=open_event.starts_at + timedelta(hours=2))
    register(client, open_event, email="booked@example.org", first_name="Booked", sessions=[str(workshop.id)])
    register(client, open_event, email="dinner@example.org", first_name="Diner", sessions=[str(dinner.id)])
    register(client, open_event, email="gone@example.org", sessions=[str(workshop.id)])
    gone = db.session.scalar(sa.select(Registration).where(Registration.email == "gone@example.org"))
    from eventapp.services.registration.register import cancel
    cancel(gone)
    db.session.commit()
    mail.send_due()
    smtp.messages.clear()

    organiser(open_event)
    ensure_working_copy(open_event)
    db.session.commit()
    base = f"/manage/events/{open_event.id}"
    old_start, new_start = workshop.starts_at, workshop.starts_at + timedelta(hours=3)
    client.post(f"{base}/sessions/{draft_of(workshop).id}/move",
                data={"starts_at": local_input(open_event, new_start), "room_id": 0})
    old_sequence = workshop.sequence
    preview = text(client.get(f"{base}/agenda/publish"))
    assert "Publishing e-mails 1 registrant the changes that concern them." in preview
    response = client.post(f"{base}/agenda/publish", data={"label": "Programme v2", "is_final": "draft"},
                           follow_redirects=True)
    assert response.status_code == 200

    [queued] = agenda_mails()  # not the diner (unchanged session), not the cancelled registrant
    assert queued.recipient == "booked@example.org"
    result = mail.send_due()
    assert result.sent >= 1
    [message] = smtp.to("booked@example.org")
    assert message["Subject"] == f"The agenda has changed: {open_event.title}"
    plain = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    for body in (plain, html):
        assert "Dear Booked," in body and "Workshop on skills mobility" in body and "Programme v2" in body
        assert "Moved" in body
        assert local_input(open_event, old_start)[-5:] in body and local_input(open_event, new_start)[-5:] in body
        assert "Plenary" not in body and "Dinner" not in body
    assert "/registrations/" in plain and f"/events/{open_event.slug}/agenda/changes" in plain
    [attachment] = list(message.iter_attachments())
    cal = icalendar.Calendar.from_ical(attachment.get_content())
    [event] = [e for e in cal.walk("VEVENT") if str(e["UID"]) == workshop.uid]
    db.session.refresh(workshop)
    # the registrant's entry also counts the changes of their status (see status_versions)
    assert int(event["SEQUENCE"]) >= workshop.sequence > old_sequence
    assert smtp.to("dinner@example.org") == [] and smtp.to("gone@example.org") == []

    # Publishing again with nothing announced (a description only) e-mails nobody.
    draft = draft_of(dinner)
    draft.description = "Now with a vegetarian menu."
    db.session.commit()
    client.post(f"{base}/agenda/publish", data={"label": "Programme v3", "is_final": "final", "confirm_final": "yes"})
    assert len(agenda_mails()) == 1


def test_sessions_open_to_every_registrant_concern_everyone_and_the_first_publication_nobody(
        app, open_event, make_session):
    plenary = make_session(open_event, title="Plenary")
    workshop = make_session(open_event, title="Workshop", requires_registration=True)
    first = [{"uid": "x", "session_id": plenary.id, "kinds": ["added"], "before": None,
              "after": revisions._brief(revisions.state(plenary))}]
    assert agenda_notices.announced(first) == []

    from eventapp.services.registration.register import register as register_person
    for address in ("a@example.org", "b@example.org"):
        register_person(open_event, register_data(email=address) | {"sessions": [workshop.id]})
    db.session.commit()
    before = revisions.state(plenary)
    after = dict(before, title="Plenary: the way forward")
    changes = [{"uid": plenary.uid, "session_id": plenary.id, "kinds": ["retitled"], "before": revisions._brief(before),
                "after": revisions._brief(after)},
               {"uid": workshop.uid, "session_id": workshop.id, "kinds": ["details"],
                "before": revisions._brief(revisions.state(workshop)), "after": revisions._brief(revisions.state(workshop))}]
    kept = agenda_notices.announced(changes)
    assert [c["kinds"] for c in kept] == [["retitled"]]
    concerned = agenda_notices.concerned(open_event, kept)
    assert sorted(r.email for r in concerned) == ["a@example.org", "b@example.org"]
    assert agenda_notices.notify_registrants(open_event, changes) == 2
