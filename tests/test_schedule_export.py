"""frab/c3voc schedule exports: checked element by element against what schedule.xml.xsd and schema.json require."""
import json
import re
import uuid
from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest

from eventapp.extensions import db
from eventapp.models import SessionStatus

from .conftest import local

HHMM = re.compile(r"^[0-9]{1,2}:[0-9]{2}$")
START = re.compile(r"^[0-2][0-9]:[0-5][0-9]$")
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EVENT_SLUG = re.compile(r"^[a-z0-9_-]+[a-z0-9]$")
ACRONYM = re.compile(r"^[a-z0-9_-][a-z0-9_]{3,}(-2[0-9]{3}-[a-z]+)?$")
# What the JSON schema allows in an event and requires of it (additionalProperties: false).
EVENT_ALLOWED = {"id", "guid", "logo", "date", "start", "duration", "room", "slug", "url", "title", "subtitle",
                 "track", "type", "language", "abstract", "description", "recording_license", "do_not_record",
                 "do_not_stream", "persons", "links", "attachments", "answers"}
EVENT_REQUIRED = {"abstract", "date", "duration", "guid", "id", "language", "links", "persons", "room", "slug",
                  "start", "subtitle", "title", "track", "type", "url"}
CONFERENCE_ALLOWED = {"acronym", "title", "description", "start", "end", "daysCount", "timeslot_duration",
                      "time_zone_name", "logo", "colors", "keywords", "url", "tracks", "rooms", "meta", "days"}
CONFERENCE_REQUIRED = {"title", "acronym", "days", "daysCount", "start", "end", "timeslot_duration"}
XML_EVENT_REQUIRED = ["room", "title", "type", "date", "start", "duration", "abstract", "slug", "subtitle", "track"]


def check_json(data):
    assert set(data) <= {"schedule", "$schema", "generator"} and "schedule" in data
    schedule = data["schedule"]
    assert {"conference", "version"} <= set(schedule) and "rooms" not in schedule
    assert isinstance(schedule["version"], str) and schedule["base_url"].startswith("http")
    conf = schedule["conference"]
    assert CONFERENCE_REQUIRED <= set(conf) <= CONFERENCE_ALLOWED
    assert ACRONYM.match(conf["acronym"]) and DATE.match(conf["start"]) and DATE.match(conf["end"])
    assert re.match(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$", conf["time_zone_name"])
    assert isinstance(conf["daysCount"], int) and conf["daysCount"] == len(conf["days"])
    for room in conf["rooms"]:
        assert set(room) == {"name", "guid"} and uuid.UUID(room["guid"])
    ids, guids, slugs = set(), set(), set()
    events = []
    for day in conf["days"]:
        assert set(day) == {"index", "date", "day_start", "day_end", "rooms"}
        assert isinstance(day["index"], int) and DATE.match(day["date"])
        assert RFC3339.match(day["day_start"]) and RFC3339.match(day["day_end"])
        for room_name, room_events in day["rooms"].items():
            for ev in room_events:
                assert EVENT_REQUIRED <= set(ev) <= EVENT_ALLOWED, set(ev) ^ EVENT_REQUIRED
                assert isinstance(ev["id"], int) and ev["id"] >= 1 and uuid.UUID(ev["guid"])
                assert RFC3339.match(ev["date"]) and START.match(ev["start"]) and HHMM.match(ev["duration"])
                assert ev["room"] == room_name and EVENT_SLUG.match(ev["slug"])
                assert ev["url"].startswith("http") and isinstance(ev["title"], str)
                for key in ("subtitle", "track", "abstract", "description"):
                    assert ev[key] is None or isinstance(ev[key], str)
                assert all("name" in p and "public_name" not in p for p in ev["persons"])
                assert all(set(link) == {"url", "title"} for link in ev["links"])
                ids.add(ev["id"]), guids.add(ev["guid"]), slugs.add(ev["slug"])
                events.append(ev)
    assert len(ids) == len(guids) == len(slugs) == len(events)  # unique, as the XSD requires
    return events


def check_xml(body):
    root = ET.fromstring(body)
    assert root.tag == "schedule"
    children = [c.tag for c in root]
    assert children[:3] == ["generator", "version", "conference"] and set(children[3:]) == {"day"}
    conference = root.find("conference")
    tags = [c.tag for c in conference]
    assert {"title", "acronym"} <= set(tags) and len(tags) == len(set(tags))
    assert DATE.match(conference.findtext("start")) and DATE.match(conference.findtext("end"))
    assert int(conference.findtext("days")) == len(root.findall("day"))
    assert HHMM.match(conference.findtext("timeslot_duration"))
    events = []
    for index, day in enumerate(root.findall("day"), start=1):
        assert int(day.get("index")) == index and DATE.match(day.get("date"))
        assert RFC3339.match(day.get("start")) and RFC3339.match(day.get("end"))
        for room in day:
            assert room.tag == "room" and room.get("name")
            for ev in room:
                assert ev.tag == "event" and int(ev.get("id")) >= 1 and uuid.UUID(ev.get("guid"))
                tags = [c.tag for c in ev]
                assert len(tags) == len(set(tags))  # xs:all: each element at most once
                assert set(XML_EVENT_REQUIRED) <= set(tags)
                assert ev.findtext("room") == room.get("name")
                assert RFC3339.match(ev.findtext("date")) and START.match(ev.findtext("start"))
                assert HHMM.match(ev.findtext("duration"))
                for person in ev.find("persons"):
                    assert person.tag == "person" and person.text
                for link in ev.find("links"):
                    assert link.tag == "link" and link.get("href").startswith("http")
                events.append(ev)
    return root, events


def test_demo_day_holds_the_eight_sessions_at_their_geneva_times(client, demo):
    xml_response = client.get("/events/idm-2024-geneva/schedule.xml")
    json_response = client.get("/events/idm-2024-geneva/schedule.json")
    assert xml_response.status_code == json_response.status_code == 200
    assert xml_response.mimetype == "application/xml" and json_response.mimetype == "application/json"
    root, xml_events = check_xml(xml_response.data)
    json_events = check_json(json_response.get_json())
    expected = {s.uid: s.starts_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Zurich")).strftime("%H:%M")
                for s in demo.sessions}
    assert len(expected) == 8
    assert {e.get("guid"): e.findtext("start") for e in xml_events} == expected
    assert {e["guid"]: e["start"] for e in json_events} == expected
    assert xml_events[0].findtext("date") == "2024-11-25T09:00:00+01:00"
    assert root.findtext("version") == demo.agenda_label
    assert root.find("conference").findtext("time_zone_name") == "Europe/Zurich"
    assert json_response.get_json()["schedule"]["conference"]["acronym"] == "idm_2024_geneva"


@pytest.fixture
def three_day_event(make_event, make_session, make_room, make_person, make_tag):
    event = make_event(slug="forum-2030", starts_at=local("Africa/Casablanca", 2030, 6, 11, 9, 0),
                       timezone="Africa/Casablanca", agenda_label="Final programme")
    event.ends_at = event.starts_at + timedelta(days=2, hours=9)
    rooms = [make_room(event, name, position=i) for i, name in enumerate(("Plenary", "Room Atlas", "Room Rif"))]
    speaker = make_person(name="Amina El Idrissi", affiliation="Ministry")
    topic = make_tag("topic", "labour", "Labour mobility")
    for day in range(3):
        for r, room in enumerate(rooms):
            item = make_session(event, title=f"Day {day + 1} in {room.name}", room=room, session_type="panel",
                                starts_at=event.starts_at + timedelta(days=day, hours=r),
                                speakers=[(speaker, "panelist")], description="Why it matters.\n\nMore text.")
            item.tags.append(topic)
    make_session(event, title="Called off", status=SessionStatus.CANCELLED, room=rooms[0],
                 starts_at=event.starts_at + timedelta(hours=5))
    db.session.commit()
    return event


def test_a_three_day_three_room_event_follows_the_schemas(client, three_day_event):
    root, xml_events = check_xml(client.get("/events/forum-2030/schedule.xml").data)
    data = client.get("/events/forum-2030/schedule.json").get_json()
    json_events = check_json(data)
    assert len(xml_events) == len(json_events) == 9  # the cancelled session is left out
    assert "Called off" not in json.dumps(data)
    days = data["schedule"]["conference"]["days"]
    assert [d["date"] for d in days] == ["2030-06-11", "2030-06-12", "2030-06-13"]
    assert all(list(d["rooms"]) == ["Plenary", "Room Atlas", "Room Rif"] for d in days)
    assert [r["name"] for r in data["schedule"]["conference"]["rooms"]] == ["Plenary", "Room Atlas", "Room Rif"]
    first = days[0]["rooms"]["Plenary"][0]
    assert first["date"] == "2030-06-11T09:00:00+01:00" and first["duration"] == "01:00"
    assert first["track"] == "Labour mobility" and first["abstract"] == "Why it matters."
    assert first["persons"][0]["name"] == "Amina El Idrissi"
    assert data["schedule"]["version"] == "Final programme"
    assert root.find("day").get("date") == "2030-06-11"


def test_schedule_answers_304_and_sets_no_cookie(client, three_day_event):
    first = client.get("/events/forum-2030/schedule.json")
    assert "Set-Cookie" not in first.headers
    again = client.get("/events/forum-2030/schedule.json", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_control_characters_never_break_the_xml(client, make_event, make_session):
    event = make_event(slug="odd")
    make_session(event, title="Line\x0bfeed & <tags>", description="a\x01b")
    root, events = check_xml(client.get("/events/odd/schedule.xml").data)
    assert events[0].findtext("title") == "Linefeed & <tags>"
