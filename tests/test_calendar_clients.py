"""Every kind of calendar read by two independent implementations: icalendar and libical.

libical (the library of Evolution) runs through PyGObject under Debian's /usr/bin/python3, in a
subprocess (tests/ical_readers/libical_read.py), because the app's venv cannot load Debian's gi.
It validates each calendar (RFC 5545 restrictions) and converts every start and end to UTC
from the calendar's own VTIMEZONE; icalendar must find the same instants. Covers issue 14,
calendar points 1 to 7.
"""
import json
import re
import os
import subprocess
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from eventapp.extensions import db
from eventapp.models import EventSession
from eventapp.services.agenda.sessions import update_session

from .ical_helpers import check_wire_format

UTC = timezone.utc
SYSTEM_PYTHON = "/usr/bin/python3"
READER = Path(__file__).parent / "ical_readers" / "libical_read.py"


def _libical_available():
    if not os.path.exists(SYSTEM_PYTHON):
        return False
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import gi; gi.require_version('ICalGLib', '3.0'); from gi.repository import ICalGLib"],
        capture_output=True,
    )
    return probe.returncode == 0


if not _libical_available():
    if os.environ.get("CI"):
        raise RuntimeError("libical is missing: apt-get install gir1.2-ical-3.0 python3-gi")
    pytest.skip("libical through PyGObject is not installed (apt-get install gir1.2-ical-3.0 python3-gi)",
                allow_module_level=True)


def libical(data: bytes) -> dict:
    done = subprocess.run([SYSTEM_PYTHON, str(READER)], input=data, capture_output=True, timeout=60, check=True)
    return json.loads(done.stdout)


def _icalendar_instant(value):
    if isinstance(value, datetime):
        return {"utc": int(value.astimezone(UTC).timestamp())}
    return {"date": value.isoformat()}


def read_both(data: bytes):
    """(icalendar calendar, libical's reading) after checking that both agree on every entry."""
    check_wire_format(data)
    cal = Calendar.from_ical(data)
    lib = libical(data)
    assert lib["errors"] == [], lib["errors"]
    mine = {
        str(e["UID"]): (_icalendar_instant(e.decoded("DTSTART")), _icalendar_instant(e.decoded("DTEND")),
                        str(e["SUMMARY"]), int(e["SEQUENCE"]), str(e["STATUS"]))
        for e in cal.walk("VEVENT")
    }
    theirs = {e["uid"]: (e["start"], e["end"], e["summary"], e["sequence"], e["status"]) for e in lib["events"]}
    assert mine == theirs
    assert mine, "every calendar holds at least one entry"
    return cal, lib


def unescape(text):
    """A TEXT value as RFC 5545 3.3.11 reads it (icalendar leaves X- and NAME values escaped)."""
    return re.sub(r"\\([nN;,\\])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), text)


def _registration(event, email="ada@example.org"):
    from eventapp.services.registration import register as registering

    outcome = registering.register(event, {
        "email": email, "first_name": "Ada", "last_name": "Lovelace", "country": "CH", "organisation": "IOM",
        "job_title": "Officer", "stakeholder_group": "member_state",
    })
    db.session.commit()
    return outcome.registration


def _backdate(event, hours=2):
    """Move every stored stamp back, so that a change made now is a later second."""
    from eventapp.models import Registration, RegistrationChange

    earlier = timedelta(hours=hours)
    for item in db.session.scalars(sa.select(EventSession).where(EventSession.event_id == event.id)):
        item.updated_at -= earlier
    for change in db.session.scalars(sa.select(RegistrationChange)):
        change.at -= earlier
    for registration in db.session.scalars(sa.select(Registration)):
        registration.updated_at -= earlier
    event.updated_at -= earlier
    db.session.commit()


def test_every_kind_of_calendar_passes_libical_and_both_readers_agree(client, make_event, make_session, make_policy,
                                                                      make_programme, make_ceremony_item):
    from eventapp.services.calendars.registrant import calendar_token, registration_attachment

    event = make_event(starts_at=datetime.now(UTC).replace(microsecond=0) + timedelta(days=30))
    make_policy(event)
    keynote = make_session(event, title="Keynote", session_type="keynote")
    make_session(event, title="Panel", starts_at=event.starts_at + timedelta(hours=2))
    make_ceremony_item(make_programme(event), keynote)
    registration = _registration(event)
    feeds = {
        "whole feed": f"/events/{event.slug}/calendar.ics",
        "filtered feed": f"/events/{event.slug}/calendar.ics?type=keynote&alarm=15",
        "chosen sessions": f"/events/{event.slug}/calendar.ics?sessions={keynote.id}",
        "French feed": f"/events/{event.slug}/calendar.ics?lang=fr",
        "session download": f"/events/{event.slug}/sessions/{keynote.id}.ics",
        "registrant feed": f"/registrations/{calendar_token(registration)}/calendar.ics",
        "ceremony feed": f"/events/{event.slug}/awards/ceremony.ics",
    }
    for kind, url in feeds.items():
        response = client.get(url)
        assert response.status_code == 200, kind
        cal, _ = read_both(response.data)
        # point 1: no COMMENT (or anything else RFC 5545 forbids) inside the VTIMEZONE
        assert all("COMMENT" not in tz for tz in cal.walk("VTIMEZONE")), kind
    read_both(registration_attachment(registration).data)  # the .ics attached to e-mails


def test_text_with_new_lines_and_separators_is_escaped_everywhere(client, make_event, make_session, make_policy):
    from eventapp.services.calendars.registrant import calendar_token

    title = "Forum on migration\nSecond line; with, separators \\ and more"
    event = make_event(title=title, summary="Aim:\nline two; a, b",
                       starts_at=datetime.now(UTC).replace(microsecond=0) + timedelta(days=30))
    make_policy(event)
    item = make_session(event, title="Panel")
    registration = _registration(event)
    for url in (f"/events/{event.slug}/calendar.ics", f"/events/{event.slug}/calendar.ics?sessions={item.id}",
                f"/registrations/{calendar_token(registration)}/calendar.ics"):
        response = client.get(url)
        assert response.status_code == 200, url
        cal, lib = read_both(response.data)
        for name in ("NAME", "X-WR-CALNAME"):  # read back as written, escapes undone
            assert unescape(cal[name].to_ical().decode()).startswith(title), name
        assert unescape(lib["x"]["X-WR-CALNAME"]).startswith(title)
    cal = Calendar.from_ical(client.get(f"/events/{event.slug}/calendar.ics").data)
    assert unescape(cal["X-WR-CALDESC"].to_ical().decode()) == "Aim:\nline two; a, b"
    for query in ("type=x%0D%0Ay", "tag=x%0D%0Ay", "type=a%3Bb%2Cc%5C"):
        response = client.get(f"/events/{event.slug}/calendar.ics?{query}")
        assert response.status_code == 200, query
        read_both(response.data)


@pytest.mark.parametrize("zone, wall", [
    ("Europe/Zurich", (2027, 10, 31, 2, 30)),
    ("America/Santiago", (2027, 4, 3, 23, 30)),
    ("Pacific/Auckland", (2027, 4, 4, 2, 30)),
])
def test_a_local_time_that_occurs_twice_is_read_alike(client, make_event, make_session, zone, wall):
    tz = ZoneInfo(zone)
    event = make_event(timezone=zone, starts_at=datetime(*wall, tzinfo=tz) - timedelta(hours=3))
    first = datetime(*wall, fold=0, tzinfo=tz).astimezone(UTC)
    second = datetime(*wall, fold=1, tzinfo=tz).astimezone(UTC)
    assert second - first == timedelta(hours=1)
    make_session(event, title="Morning")
    make_session(event, title="First", starts_at=first, ends_at=first + timedelta(minutes=20))
    make_session(event, title="Second", starts_at=second, ends_at=second + timedelta(minutes=20))
    cal, lib = read_both(client.get(f"/events/{event.slug}/calendar.ics").data)
    starts = {e["summary"]: e["start"]["utc"] for e in lib["events"]}
    assert starts == {"Morning": int(event.starts_at.timestamp()), "First": int(first.timestamp()),
                      "Second": int(second.timestamp())}
    # the repeated wall time is written in UTC form; unambiguous times keep their TZID
    raw = client.get(f"/events/{event.slug}/calendar.ics").data.decode()
    assert f"DTSTART:{first:%Y%m%dT%H%M%S}Z" in raw and f"DTSTART:{second:%Y%m%dT%H%M%S}Z" in raw
    assert f"DTSTART;TZID={zone}:" in raw  # the event's other times stay local


def test_publishing_a_final_programme_raises_sequence_and_dtstamp(client, demo):
    from eventapp.services.agenda import revisions

    feed = "/events/idm-2024-geneva/calendar.ics"
    _backdate(demo)
    before, _ = read_both(client.get(feed).data)
    revisions.publish_revision(demo, "Final programme", True, None)
    db.session.commit()
    after, _ = read_both(client.get(feed).data)
    old = {str(e["UID"]): e for e in before.walk("VEVENT")}
    for entry in after.walk("VEVENT"):
        previous = old[str(entry["UID"])]
        assert (str(previous["STATUS"]), str(entry["STATUS"])) == ("TENTATIVE", "CONFIRMED")
        assert int(entry["SEQUENCE"]) > int(previous["SEQUENCE"])
        assert entry.decoded("DTSTAMP") > previous.decoded("DTSTAMP")


def test_a_promoted_registrant_gets_a_new_sequence_and_dtstamp(client, make_event, make_session, make_policy):
    from eventapp.services.calendars.registrant import calendar_token
    from eventapp.services.registration import register as registering

    event = make_event(starts_at=datetime.now(UTC).replace(microsecond=0) + timedelta(days=30))
    make_policy(event, in_person_capacity=1)
    make_session(event, title="Plenary")
    first = _registration(event, "first@example.org")
    waiting = _registration(event, "waiting@example.org")
    url = f"/registrations/{calendar_token(waiting)}/calendar.ics"
    _backdate(event)
    before, _ = read_both(client.get(url).data)
    registering.cancel(first)
    db.session.commit()
    after, _ = read_both(client.get(url).data)
    [old], [new] = before.walk("VEVENT"), after.walk("VEVENT")
    assert str(old["SUMMARY"]) != str(new["SUMMARY"])  # the status it shows changed
    assert int(new["SEQUENCE"]) > int(old["SEQUENCE"])
    assert new.decoded("DTSTAMP") > old.decoded("DTSTAMP")


def test_a_filtered_feed_changes_last_modified_when_a_session_leaves_the_filter(client, make_event, make_session):
    event = make_event()
    make_session(event, title="Panel A", session_type="panel")
    leaving = make_session(event, title="Panel B", session_type="panel")
    url = f"/events/{event.slug}/calendar.ics?type=panel"
    _backdate(event)
    first = client.get(url)
    update_session(leaving, session_type="workshop")
    db.session.commit()
    second = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert second.status_code == 200 and second.data != first.data
    assert second.headers["ETag"] != first.headers["ETag"]
    assert second.headers["Last-Modified"] != first.headers["Last-Modified"]
    cal, _ = read_both(second.data)
    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == ["Panel A"]


def test_daylight_onsets_are_in_the_local_time_before_the_change(client, make_event, make_session):
    event = make_event(starts_at=datetime(2027, 5, 6, 9, tzinfo=ZoneInfo("Europe/Zurich")))
    make_session(event, title="Spring")
    make_session(event, title="Autumn", starts_at=datetime(2027, 11, 2, 9, tzinfo=ZoneInfo("Europe/Zurich")))
    cal, _ = read_both(client.get(f"/events/{event.slug}/calendar.ics").data)
    [zone] = cal.walk("VTIMEZONE")
    onsets = {(o.name, o.decoded("DTSTART")) for o in zone.subcomponents if o["TZOFFSETFROM"] != o["TZOFFSETTO"]}
    assert onsets == {("DAYLIGHT", datetime(2027, 3, 28, 2, 0)), ("STANDARD", datetime(2027, 10, 31, 3, 0))}


def test_an_event_without_sessions_has_one_all_day_entry_every_client_lists(client, make_event):
    import vobject

    event = make_event(starts_at=datetime(2027, 6, 1, 9, tzinfo=ZoneInfo("Europe/Zurich")))
    event.ends_at = datetime(2027, 6, 2, 17, tzinfo=ZoneInfo("Europe/Zurich"))
    db.session.commit()
    data = client.get(f"/events/{event.slug}/calendar.ics").data
    cal, lib = read_both(data)
    [entry] = lib["events"]
    assert entry["summary"] == event.title and entry["status"] == "TENTATIVE"
    assert (entry["start"], entry["end"]) == ({"date": "2027-06-01"}, {"date": "2027-06-03"})
    [vevent] = vobject.readOne(data.decode()).vevent_list  # a third reader agrees
    assert vevent.dtstart.value == date(2027, 6, 1)
