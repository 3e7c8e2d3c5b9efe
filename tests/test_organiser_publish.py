"""Revisions: the public agenda changes only on publishing, with a preview, a changes page and new SEQUENCEs."""
import re
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from eventapp.extensions import db
from eventapp.models import AgendaRevision, AuditEntry, DraftSession, EventSession, Person

from .conftest import text

PANEL_1 = "Panel 1: Pathways Solutions – Practical approaches to bolster sustainable development"
PANEL_3 = "Panel 3: Combating disinformation to enable the realization of regular pathways solutions"


def draft_titled(event, title):
    return db.session.scalar(sa.select(DraftSession).where(DraftSession.event_id == event.id, DraftSession.title == title))


def published():
    return {s.title: s for s in db.session.scalars(sa.select(EventSession))}


def form_of(draft, **changes):
    data = {"title": draft.title, "session_type": draft.session_type, "description": draft.description,
            "starts_at": draft.starts_at.astimezone(ZoneInfo("Europe/Zurich")).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": draft.ends_at.astimezone(ZoneInfo("Europe/Zurich")).strftime("%Y-%m-%dT%H:%M"),
            "room_id": draft.room_id or 0, "capacity": draft.capacity or ""}
    for i, s in enumerate(draft.speakers):
        data[f"speakers-{i}-person_id"], data[f"speakers-{i}-role"] = s.person_id, s.role
    if draft.requires_registration:
        data["requires_registration"] = "y"
    data.update(changes)
    return data


def test_demo_agenda_is_edited_previewed_and_published_as_a_revision(client, demo, make_room, organiser):
    user = organiser(demo)
    hall = make_room(demo, "Room XIX")
    before = {title: (s.uid, s.sequence, s.updated_at) for title, s in published().items()}
    base = f"/manage/events/{demo.id}"
    listing = text(client.get(f"{base}/sessions/"))
    assert "Opening" in listing and PANEL_3 in listing  # the working copy starts from the published agenda

    client.post(f"{base}/people/new", data={"name": "Amy Pope", "affiliation": "IOM"})
    pope = db.session.scalar(sa.select(Person))
    opening, panel1 = draft_titled(demo, "Opening"), draft_titled(demo, PANEL_1)
    closing, panel3 = draft_titled(demo, "Closing Remarks"), draft_titled(demo, PANEL_3)
    scene = draft_titled(demo, "Setting the Scene: Regular migration pathways today – opportunities and challenges")
    client.post(f"{base}/sessions/{opening.id}/edit", data=form_of(opening, **{"speakers-0-person_id": pope.id, "speakers-0-role": "keynote"}))
    client.post(f"{base}/sessions/{panel1.id}/move", data={"starts_at": "2024-11-25T11:00", "room_id": hall.id})
    client.post(f"{base}/sessions/{closing.id}/edit", data=form_of(closing, title="Closing remarks and way forward"))
    client.post(f"{base}/sessions/{scene.id}/edit", data=form_of(scene, description="A shorter description."))
    client.post(f"{base}/sessions/{panel3.id}/cancel")
    client.post(f"{base}/sessions/new", data=form_of(closing, title="Press briefing", session_type="side_event",
                                                      starts_at="2024-11-25T12:45", ends_at="2024-11-25T13:15", description=""),
                follow_redirects=True)

    public = text(client.get("/events/idm-2024-geneva/agenda"))
    assert "Press briefing" not in public and "Closing Remarks" in public and "Cancelled" not in public

    preview = text(client.get(f"{base}/agenda/publish"))
    assert "Opening Speakers changed now Amy Pope (Keynote speaker); before nobody" in preview
    assert f"{PANEL_1} Moved from 25 Nov 2024, 10:45 – 12:30 to 25 Nov 2024, 11:00 – 12:45 , Room XIX" in preview
    assert "Closing remarks and way forward Retitled was “Closing Remarks”" in preview
    assert "Details updated" in preview
    assert f"{PANEL_3} Cancelled was planned for 25 Nov 2024, 15:30 – 17:00" in preview
    assert "Press briefing Added 25 Nov 2024, 12:45 – 13:15" in preview
    assert "Lunch Break" not in preview

    # The demo's public agenda is a draft: a final programme over it is published only once confirmed.
    asked = client.post(f"{base}/agenda/publish", data={"label": "Final programme", "is_final": "final"})
    assert asked.status_code == 200 and "Publish it as final?" in text(asked)
    assert 'name="confirm_final" type="hidden" value="yes"' in asked.get_data(as_text=True)
    response = client.post(f"{base}/agenda/publish", data={"label": "Final programme", "is_final": "final",
                                                           "confirm_final": "yes"}, follow_redirects=True)
    assert "Revision 1 “Final programme” published: 6 session(s) changed." in text(response)

    after = published()
    # A final programme over a draft turns every live session from TENTATIVE to CONFIRMED: one more
    # SEQUENCE each, so that calendars replace their copy; changed sessions also get their own.
    raised = {title: s.sequence - before[title][1] for title, s in after.items() if title in before}
    assert {t for t, n in raised.items() if n == 2} == {"Opening", PANEL_1, scene.title}
    assert raised[PANEL_3] == 1  # cancelled (a cancelled session is not confirmed)
    assert after["Closing remarks and way forward"].sequence == 2  # retitled and confirmed: same session, same UID
    assert after["Closing remarks and way forward"].uid == before["Closing Remarks"][0]
    assert after["Press briefing"].sequence == 1 and after["Press briefing"].uid == draft_titled(demo, "Press briefing").uid
    untouched = "Lunch Break – Interactive exhibitions"
    assert after[untouched].sequence == before[untouched][1] + 1 and after[untouched].updated_at > before[untouched][2]
    scene_title = scene.title
    # a new description changes what the entry says: its own SEQUENCE, and one for the confirmation
    assert after[scene_title].sequence == before[scene_title][1] + 2 and after[scene_title].updated_at > before[scene_title][2]
    assert after[PANEL_3].is_cancelled and after[PANEL_1].room.name == "Room XIX"

    public = text(client.get("/events/idm-2024-geneva/agenda"))
    assert "Press briefing" in public and "Final programme" in public and "Closing remarks and way forward" in public
    assert "Cancelled" in public and "Amy Pope" in public

    changes = text(client.get("/events/idm-2024-geneva/agenda/changes"))
    assert "Final programme Final" in changes
    assert "Press briefing Added 25 Nov 2024, 12:45 – 13:15" in changes
    assert f"{PANEL_1} Moved from 25 Nov 2024, 10:45 – 12:30 to 25 Nov 2024, 11:00 – 12:45 , Room XIX" in changes
    assert f"{PANEL_3} Cancelled was planned for 25 Nov 2024, 15:30 – 17:00" in changes
    assert "Retitled was “Closing Remarks”" in changes and "Speakers changed now Amy Pope (Keynote speaker)" in changes

    revision = db.session.scalar(sa.select(AgendaRevision))
    assert (revision.number, revision.label, revision.is_final, revision.published_by) == (1, "Final programme", True, user.email)
    assert len(revision.snapshot) == 9 and len(revision.changes) == 6
    assert demo.agenda_label == "Final programme" and demo.agenda_is_final

    audit = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.event_id == demo.id).order_by(AuditEntry.id)).all()
    assert audit == ["person.create", "session.update", "session.move", "session.update", "session.update",
                     "session.cancel", "session.create", "agenda.publish"]


def test_publishing_again_without_changes_bumps_nothing(client, demo, organiser):
    organiser(demo)
    base = f"/manage/events/{demo.id}"
    sequences = {s.uid: (s.sequence, s.updated_at) for s in published().values()}
    preview = text(client.get(f"{base}/agenda/publish"))
    assert "No session changes: publishing now only updates the agenda's label." in preview
    client.post(f"{base}/agenda/publish", data={"label": "Draft agenda 25/09/2024", "is_final": "draft"})
    db.session.expire_all()
    assert {s.uid: (s.sequence, s.updated_at) for s in published().values()} == sequences
    page = text(client.get("/events/idm-2024-geneva/agenda/changes"))
    assert "Draft agenda 25/09/2024 Draft" in page and "No session changed in this version." in page


def test_a_new_event_is_published_from_nothing(client, make_event, organiser):
    event = make_event(slug="new-one", status="draft")
    organiser(event)
    base = f"/manage/events/{event.id}"
    for title, start in [("Welcome", "09:00"), ("Panel", "10:00")]:
        client.post(f"{base}/sessions/new", data={"title": title, "session_type": "panel", "starts_at": f"2030-05-06T{start}",
                                                   "ends_at": f"2030-05-06T{start[:2]}:45", "room_id": 0})
    response = client.post(f"{base}/agenda/publish", data={"label": "", "is_final": "draft"})
    assert "This field is required." in text(response)
    client.post(f"{base}/agenda/publish", data={"label": "Draft agenda", "is_final": "draft"})
    assert client.get("/events/new-one/agenda").status_code == 404  # the event itself is still hidden
    client.post(f"{base}/publish-event")
    assert "Welcome" in text(client.get("/events/new-one/agenda"))
    assert "First published agenda, with 2 sessions." in text(client.get("/events/new-one/agenda/changes"))
    assert {s.sequence for s in published().values()} == {0}


def test_a_stale_preview_is_not_published(client, make_event, make_session, organiser):
    event = make_event()
    make_session(event, title="Original")
    organiser(event)
    base = f"/manage/events/{event.id}"
    page = client.get(f"{base}/agenda/publish").get_data(as_text=True)
    fingerprint = re.search(r'name="fingerprint" type="hidden" value="([0-9a-f]+)"', page).group(1)
    draft = draft_titled(event, "Original")
    client.post(f"{base}/sessions/{draft.id}/cancel")
    response = client.post(f"{base}/agenda/publish", data={"label": "v2", "is_final": "draft", "fingerprint": fingerprint})
    assert "The working copy changed since this preview was shown" in text(response)
    assert not published()["Original"].is_cancelled


def test_discarding_returns_the_working_copy_to_the_published_agenda(client, make_event, make_session, organiser):
    event = make_event()
    make_session(event, title="Kept")
    organiser(event)
    base = f"/manage/events/{event.id}"
    client.get(f"{base}/sessions/")
    client.post(f"{base}/sessions/{draft_titled(event, 'Kept').id}/edit", data={
        "title": "Renamed", "session_type": "panel", "starts_at": "2030-05-06T09:00", "ends_at": "2030-05-06T10:00", "room_id": 0})
    assert "1 unpublished change" in text(client.get(f"{base}/"))
    response = client.post(f"{base}/agenda/discard", follow_redirects=True)
    assert "Unpublished changes discarded." in text(response) and "Kept" in text(response)
    assert "same as the public agenda" in text(client.get(f"{base}/"))


def test_seed_demo_stays_idempotent_after_organisers_edited_the_demo(client, runner, demo, organiser):
    organiser(demo)
    client.get(f"/manage/events/{demo.id}/sessions/")
    stamps = db.session.execute(sa.select(EventSession.uid, EventSession.sequence, EventSession.updated_at)).all()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert db.session.execute(sa.select(EventSession.uid, EventSession.sequence, EventSession.updated_at)).all() == stamps
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DraftSession)) == 8
