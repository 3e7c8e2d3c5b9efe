"""The published agenda in the frab/c3voc "schedule" format (XML and JSON) that conference apps read.

Giggity, EventFahrplan and ConfClerk load these files. The format has no cancelled state, so
cancelled sessions are left out; `version` carries the agenda's revision label. A session without a
room is listed under the event's venue name, so every event sits in a room as the format requires.
"""
from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import date, datetime, time, timedelta
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

from ...i18n import SESSION_TYPE_LABELS
from ...urls import url_builder
from . import pages
from .opendata import local_iso

GENERATOR = {"name": "eventapp", "version": "1"}
SCHEMA_URL = "https://c3voc.de/schedule/schema.json"


def acronym(slug):
    """The conference acronym the format asks for (lowercase letters, digits and underscores)."""
    value = re.sub(r"[^a-z0-9_]", "_", slug.lower())
    return value if len(value) >= 4 else (value + "____")[:4]


def _slug(event, session):
    text = unicodedata.normalize("NFKD", session.title).encode("ascii", "ignore").decode().lower()
    words = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60].strip("-")
    return f"{acronym(event.slug)}-{session.id}-{words}".rstrip("-") if words else f"{acronym(event.slug)}-{session.id}"


def _hhmm(delta):
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _room_guid(base_url, event, name):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base_url}/events/{event.slug}/rooms/{name}"))


def _person_guid(base_url, person):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base_url}/people/{person.slug}"))


def schedule(event):
    """The schedule as nested dicts (the JSON form); the XML is written from the same structure."""
    build = url_builder()
    zone = ZoneInfo(event.timezone)
    base_url = build("agenda.index").rstrip("/")
    revision = event.agenda_label or "1"
    sessions = [s for s in pages.event_sessions(event) if not s.is_cancelled]
    venue = event.venue_name or event.title
    room_order = [r.name for r in event.rooms]
    days = []
    for session in sessions:
        local_day = session.starts_at.astimezone(zone).date()
        if not days or days[-1]["date"] != local_day.isoformat():
            days.append({"index": len(days) + 1, "date": local_day.isoformat(), "sessions": []})
        days[-1]["sessions"].append(session)
    if not days:  # an agenda with nothing published yet still names the conference's days
        first = event.starts_at.astimezone(zone).date()
        last = event.ends_at.astimezone(zone).date()
        days = [{"index": i + 1, "date": (first + timedelta(days=i)).isoformat(), "sessions": []}
                for i in range((last - first).days + 1)]
    used_rooms = []
    out_days = []
    for day in days:
        rooms = {}
        for s in day["sessions"]:
            name = s.room.name if s.room else venue
            if name not in used_rooms:
                used_rooms.append(name)
            rooms.setdefault(name, []).append(_event(event, s, zone, build, base_url, name))
        ordered = dict(sorted(rooms.items(), key=lambda kv: room_order.index(kv[0]) if kv[0] in room_order else -1))
        if day["sessions"]:
            start = min(s.starts_at for s in day["sessions"])
            end = max(s.ends_at for s in day["sessions"])
        else:
            start = end = None
        out_days.append({
            "index": day["index"], "date": day["date"],
            "day_start": local_iso(start, zone) if start else f"{day['date']}T00:00:00{_offset(event, day['date'])}",
            "day_end": local_iso(end, zone) if end else f"{day['date']}T23:59:00{_offset(event, day['date'])}",
            "rooms": ordered,
        })
    local_start = event.starts_at.astimezone(zone).date()
    local_end = event.ends_at.astimezone(zone).date()
    return {
        "$schema": SCHEMA_URL,
        "generator": dict(GENERATOR),
        "schedule": {
            "version": revision,
            "base_url": base_url + "/",
            "conference": {
                "acronym": acronym(event.slug),
                "title": event.title,
                "start": local_start.isoformat(),
                "end": local_end.isoformat(),
                "daysCount": len(out_days),
                "timeslot_duration": "00:15",
                "time_zone_name": event.timezone,
                "url": build("agenda.agenda_page", slug=event.slug),
                "rooms": [{"name": name, "guid": _room_guid(base_url, event, name)} for name in used_rooms],
                "days": out_days,
            },
        },
    }


def _offset(event, day):
    """The event's UTC offset at noon on a local day, e.g. +01:00."""
    return datetime.combine(date.fromisoformat(day), time(12), ZoneInfo(event.timezone)).isoformat()[-6:]


def _event(event, s, zone, build, base_url, room_name):
    url = build("agenda.session", slug=event.slug, session_id=s.id)
    track = s.tags[0].label if s.tags else None
    return {
        "id": s.id,
        "guid": s.uid,
        "date": local_iso(s.starts_at, zone),
        "start": s.starts_at.astimezone(zone).strftime("%H:%M"),
        "duration": _hhmm(s.ends_at - s.starts_at),
        "room": room_name,
        "slug": _slug(event, s),
        "url": url,
        "title": s.title,
        "subtitle": "",
        "track": track,
        "type": str(SESSION_TYPE_LABELS.get(s.session_type, s.session_type)),
        "language": "en",
        "abstract": _abstract(s.description),
        "description": s.description,
        "persons": [{"guid": _person_guid(base_url, a.person), "name": a.person.name} for a in s.speakers],
        "links": [{"url": url, "title": s.title},
                  {"url": build("calendars.session_download", slug=event.slug, session_id=s.id), "title": "iCalendar"}],
        "attachments": [],
    }


def _abstract(description):
    first = description.strip().split("\n\n", 1)[0].strip()
    return first[:500]


def _text(parent, tag, value, **attrs):
    element = ET.SubElement(parent, tag, {k: str(v) for k, v in attrs.items()})
    if value is not None:
        element.text = _xml_safe(str(value))
    return element


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text):
    return _XML_ILLEGAL.sub("", text)


def schedule_xml(event):
    """The schedule as XML bytes, element by element as schedule.xml.xsd describes it."""
    data = schedule(event)["schedule"]
    conf = data["conference"]
    root = ET.Element("schedule")
    ET.SubElement(root, "generator", GENERATOR)
    _text(root, "version", data["version"])
    conference = ET.SubElement(root, "conference")
    for tag, value in (("acronym", conf["acronym"]), ("title", conf["title"]), ("start", conf["start"]),
                       ("end", conf["end"]), ("days", conf["daysCount"]),
                       ("timeslot_duration", conf["timeslot_duration"]), ("time_zone_name", conf["time_zone_name"]),
                       ("base_url", data["base_url"]), ("url", conf["url"])):
        _text(conference, tag, value)
    guids = {r["name"]: r["guid"] for r in conf["rooms"]}
    for day in conf["days"]:
        day_el = ET.SubElement(root, "day", {"index": str(day["index"]), "date": day["date"],
                                             "start": day["day_start"], "end": day["day_end"]})
        for room_name, events in day["rooms"].items():
            room_el = ET.SubElement(day_el, "room", {"name": _xml_safe(room_name), "guid": guids[room_name]})
            for ev in events:
                ev_el = ET.SubElement(room_el, "event", {"guid": ev["guid"], "id": str(ev["id"])})
                for tag in ("date", "start", "duration", "room", "slug", "url", "title", "subtitle", "track",
                            "type", "language", "abstract", "description"):
                    _text(ev_el, tag, ev[tag] if ev[tag] is not None else "")
                persons = ET.SubElement(ev_el, "persons")
                for p in ev["persons"]:
                    _text(persons, "person", p["name"], guid=p["guid"])
                links = ET.SubElement(ev_el, "links")
                for link in ev["links"]:
                    _text(links, "link", link["title"], href=link["url"])
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
