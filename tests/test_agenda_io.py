"""CSV and YAML: templates, export, import; a round trip changes nothing; bad rows are reported by line."""
import io

import sqlalchemy as sa
import yaml

from eventapp.extensions import db
from eventapp.models import AuditEntry, DraftSession, Person

from .conftest import text


def upload(client, event, name, content):
    data = {"file": (io.BytesIO(content.encode("utf-8")), name)}
    return client.post(f"/manage/events/{event.id}/agenda/import", data=data, content_type="multipart/form-data",
                       follow_redirects=True)


def state(event):
    db.session.expire_all()
    return [(d.uid, d.title, d.session_type, d.status, d.starts_at, d.ends_at, d.room_id, d.description, d.capacity,
             d.requires_registration, [(s.person_id, s.role) for s in d.speakers])
            for d in db.session.scalars(sa.select(DraftSession).where(DraftSession.event_id == event.id).order_by(DraftSession.id))]


def rich_agenda(client, event, make_room):
    """The demo agenda plus a room, speakers, a capacity and awkward text."""
    room = make_room(event, "Room XVIII")
    client.post(f"/manage/events/{event.id}/people/new", data={"name": "Amy Pope (IOM)"})
    client.post(f"/manage/events/{event.id}/people/new", data={"name": "Zoë Ngũgĩ"})
    amy, zoe = db.session.scalars(sa.select(Person).order_by(Person.id)).all()
    client.post(f"/manage/events/{event.id}/sessions/new", data={
        "title": '=HYPERLINK("x"); "quoted", comma', "session_type": "workshop", "starts_at": "2024-11-25T12:30",
        "ends_at": "2024-11-25T13:30", "room_id": room.id, "capacity": "40", "requires_registration": "y",
        "description": "- first point\n- second point\n\nLast paragraph, with “quotes”.",
        "speakers-0-person_id": amy.id, "speakers-0-role": "moderator", "speakers-1-person_id": zoe.id, "speakers-1-role": "panelist"})


def test_csv_round_trip_changes_nothing(client, demo, make_room, organiser):
    organiser(demo)
    rich_agenda(client, demo, make_room)
    before = state(demo)
    exported = client.get(f"/manage/events/{demo.id}/agenda/export.csv")
    assert exported.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="idm-2024-geneva-agenda.csv"' in exported.headers["Content-Disposition"]
    csv_text = exported.get_data(as_text=True)
    assert csv_text.startswith("\ufeffuid,start,end,type,title,room,speakers,description,capacity,registration,status")
    assert "Amy Pope (IOM) (moderator); Zoë Ngũgĩ (panelist)" in csv_text
    assert "'=HYPERLINK" in csv_text and "\"'- first point" in csv_text  # no formula runs in a spreadsheet
    response = upload(client, demo, "agenda.csv", csv_text)
    assert "Import done: 0 session(s) added, 0 updated." in text(response)
    assert state(demo) == before
    assert client.get(f"/manage/events/{demo.id}/agenda/export.csv").get_data(as_text=True) == csv_text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == 2


def test_yaml_round_trip_changes_nothing(client, demo, make_room, organiser):
    organiser(demo)
    rich_agenda(client, demo, make_room)
    before = state(demo)
    exported = client.get(f"/manage/events/{demo.id}/agenda/export.yaml").get_data(as_text=True)
    data = yaml.safe_load(exported)
    workshop = next(s for s in data["sessions"] if s["type"] == "workshop")
    assert workshop["speakers"] == [{"name": "Amy Pope (IOM)", "role": "moderator"}, {"name": "Zoë Ngũgĩ", "role": "panelist"}]
    assert workshop["start"] == "2024-11-25 12:30" and workshop["capacity"] == 40 and workshop["registration"] is True
    assert "Import done: 0 session(s) added, 0 updated." in text(upload(client, demo, "agenda.yaml", exported))
    assert state(demo) == before
    assert client.get(f"/manage/events/{demo.id}/agenda/export.yaml").get_data(as_text=True) == exported


def test_import_adds_and_updates_sessions_and_creates_new_people(client, make_event, organiser):
    event = make_event()
    organiser(event)
    template = client.get("/manage/agenda-template.csv").get_data(as_text=True)
    response = upload(client, event, "template.csv", template)
    assert "Import done: 2 session(s) added, 0 updated." in text(response)
    assert "New people: Amina Diallo, Li Wei." in text(response)
    assert [d[1] for d in state(event)] == ["Opening", "Panel 1: Regular pathways"]
    exported = client.get(f"/manage/events/{event.id}/agenda/export.csv").get_data(as_text=True)
    changed = exported.replace("Panel 1: Regular pathways", "Panel 1: Regular pathways in practice")
    assert "Import done: 0 session(s) added, 1 updated." in text(upload(client, event, "agenda.csv", changed))
    assert [d[1] for d in state(event)] == ["Opening", "Panel 1: Regular pathways in practice"]
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "agenda.import").order_by(AuditEntry.id))
    assert entry.details == {"added": 2, "updated": 0, "new_people": ["Amina Diallo", "Li Wei"]}


def test_a_csv_with_bad_rows_is_reported_by_line_and_nothing_is_imported(client, make_event, organiser):
    event = make_event()
    organiser(event)
    content = (
        "uid,start,end,type,title,room,speakers,description\n"
        '"",2030-05-06 09:00,2030-05-06 10:00,opening,Fine row,,,"two\nlines"\n'  # lines 2-3
        ",2030-05-06 11:00,2030-05-06 10:00,panel,Ends first,,,\n"  # line 4
        ",2030-05-06 11:00,2030-05-06 12:00,dance,Bad type,,,\n"  # line 5
        ",06/05/2030 11:00,2030-05-06 12:00,panel,Bad date,,,\n"  # line 6
        ",2030-05-06 11:00,2030-05-06 12:00,panel,Bad room,Nowhere,,\n"  # line 7
        ",2030-05-06 11:00,2030-05-06 12:00,panel,Bad role,,Someone (chair),\n"  # line 8
        "not-a-uid,2030-05-06 11:00,2030-05-06 12:00,panel,Bad uid,,,\n"  # line 9
        ",2030-05-06 20:00,2030-05-06 21:00,panel,Too late,,,\n"  # line 10
    )
    page = text(upload(client, event, "agenda.csv", content))
    assert "Nothing was imported: fix these rows and try again" in page
    for line, message in [(4, "The session must end after it starts."), (5, "Choose the type of session."),
                          (6, "“06/05/2030 11:00” is not a date and time of the form YYYY-MM-DD HH:MM."),
                          (7, "Unknown room “Nowhere”: add it under Rooms first."), (8, "Unknown speaker role “chair”"),
                          (9, "Unknown uid “not-a-uid”"), (10, "The session must take place within the event's dates")]:
        assert f"Line {line}: {message}" in page, line
    assert "Line 2" not in page and "Line 3" not in page
    assert state(event) == []
    page = text(upload(client, event, "agenda.csv", "when,what\n2030,x\n"))
    assert "Line 1: The first line must name the columns" in page


def test_a_yaml_file_with_bad_rows_is_reported_by_line(client, make_event, organiser):
    event = make_event()
    organiser(event)
    content = """sessions:
  - title: Fine
    type: panel
    start: "2030-05-06 09:00"
    end: "2030-05-06 10:00"
  - title: Missing end
    type: panel
    start: "2030-05-06 10:00"
  - title: Bad capacity
    type: panel
    start: "2030-05-06 10:00"
    end: "2030-05-06 11:00"
    capacity: many
"""
    page = text(upload(client, event, "agenda.yml", content))
    assert "Line 6: “” is not a date and time of the form YYYY-MM-DD HH:MM." in page
    assert "Line 9: Capacity must be a whole number, or empty for no limit." in page
    assert state(event) == []
    assert "Line 3: This is not valid YAML (expected ',' or ']', but got '<stream end>')." in text(upload(client, event, "agenda.yaml", "sessions:\n  - [unclosed\n"))
    assert "The file must end in .csv, .yaml or .yml." in text(upload(client, event, "agenda.xlsx", "x"))


def test_templates_download_in_both_formats(client, make_user, login):
    login(make_user())
    csv_response = client.get("/manage/agenda-template.csv")
    assert 'filename="agenda-template.csv"' in csv_response.headers["Content-Disposition"]
    assert "Panel 1: Regular pathways" in csv_response.get_data(as_text=True)
    yaml_text = client.get("/manage/agenda-template.yaml").get_data(as_text=True)
    assert yaml_text.startswith("# Agenda for eventapp.") and len(yaml.safe_load(yaml_text)["sessions"]) == 2
