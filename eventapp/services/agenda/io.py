"""An agenda's working copy as CSV or YAML, and back: bad rows are reported by line, or nothing changes."""
import csv
import io
import re

import sqlalchemy as sa
import yaml
from flask_babel import gettext as _

from ..numbers import parse_id
from ...extensions import db
from ...models import DraftSession, Person, SessionStatus, SpeakerRole, TagScheme
from .. import audit
from ..errors import ImportFailed, ValidationFailed
from .people import event_people_list, link_person, unique_person_slug
from .local_times import parse_local, to_local
from ..desk.spreadsheet import FORMULA_STARTS, neutralise
from .topics import MAX_LABEL, set_topics, split_names
from .topics import resolve as resolve_topics
from .working_copy import apply_values, clean_values, draft_sessions

COLUMNS = ("uid", "start", "end", "type", "title", "room", "speakers", "description", "capacity", "registration", "status",
           "topics")
REQUIRED = ("start", "end", "type", "title")
SPEAKER_RE = re.compile(r"^(?P<name>.+?)\s*\((?P<role>[a-z_]+)\)$")
YES, NO = {"yes", "true", "1", "y"}, {"no", "false", "0", "n", ""}
EXAMPLE = [
    {"uid": "", "start": "2030-05-06 09:00", "end": "2030-05-06 10:00", "type": "opening", "title": "Opening",
     "room": "", "speakers": [("Amina Diallo", "host")], "description": "", "capacity": None,
     "registration": False, "status": "scheduled", "topics": []},
    {"uid": "", "start": "2030-05-06 10:00", "end": "2030-05-06 11:30", "type": "panel",
     "title": "Panel 1: Regular pathways", "room": "", "speakers": [("Amina Diallo", "moderator"), ("Li Wei", "panelist")],
     "description": "First paragraph.\n\n- a point\n- another point", "capacity": 120, "registration": True,
     "status": "scheduled", "topics": ["Regular pathways", "sdg-10"]},
]


def rows(event):
    """The working copy as plain rows, times in the event's zone."""
    fmt = "%Y-%m-%d %H:%M"
    return [
        {"uid": d.uid, "start": to_local(d.starts_at, event.timezone).strftime(fmt),
         "end": to_local(d.ends_at, event.timezone).strftime(fmt), "type": d.session_type, "title": d.title,
         "room": d.room.name if d.room else "", "speakers": [(s.person.name, s.role) for s in d.speakers],
         "description": d.description, "capacity": d.capacity, "registration": d.requires_registration,
         "status": d.status, "topics": [t.label if t.scheme == TagScheme.TOPIC else t.slug for t in d.tags]}
        for d in draft_sessions(event)
    ]


def to_csv(items):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in items:
        cells = dict(row, speakers="; ".join(f"{name} ({role})" for name, role in row["speakers"]),
                     registration="yes" if row["registration"] else "no", topics="; ".join(row["topics"]))
        writer.writerow([neutralise(cells[c]) for c in COLUMNS])
    return "\ufeff" + out.getvalue()  # the BOM makes spreadsheets read UTF-8


def _literal(dumper, text):
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(str, _literal)

YAML_HEADER = """# Agenda for eventapp. Times are local to the event (YYYY-MM-DD HH:MM).
# uid: leave empty for a new session; keep it to update an existing one.
# type: opening, keynote, panel, break, ceremony, reception, closing, side_event, workshop
# speakers: name and role (moderator, panelist, keynote, speaker, host); new names become new people.
# room: the name of one of the event's rooms, or empty. status: scheduled or cancelled.
# topics: names of topics (new names become new topics of the event), or sdg-N / gcm-N for SDGs and GCM objectives.
"""


def to_yaml(items, documents=None):
    """The sessions as YAML; `documents` (metadata rows, see services/documents) follow them, import ignores them."""
    data = {"sessions": [dict(r, speakers=[{"name": n, "role": role} for n, role in r["speakers"]]) for r in items]}
    if documents:
        data["documents"] = documents
    return YAML_HEADER + yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)


def template(fmt):
    """A file to fill in, with two example rows."""
    return to_csv(EXAMPLE) if fmt == "csv" else to_yaml(EXAMPLE)


def _parse_csv(text):
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    if unknown or missing:
        raise ImportFailed([(1, _("The first line must name the columns (%(columns)s); unknown: %(unknown)s; missing: %(missing)s.",
                                  columns=", ".join(COLUMNS), unknown=", ".join(unknown) or "-", missing=", ".join(missing) or "-"))])
    out = []
    while True:
        line = reader.line_num + 1
        cells = next(reader, None)
        if cells is None:
            return out
        if not any(c.strip() for c in cells):
            continue
        row = {h: (c[1:] if c[:1] == "'" and c[1:2] and c[1] in FORMULA_STARTS else c) for h, c in zip(header, cells)}
        row["speakers"] = [s for s in (row.get("speakers") or "").split(";") if s.strip()]
        if "topics" in row:
            row["topics"] = split_names(row["topics"])
        out.append((line, row))


def _parse_yaml(text):
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or ""
        raise ImportFailed([((mark.line + 1) if mark else 1, _("This is not valid YAML (%(problem)s).", problem=problem))]) from None
    if not isinstance(data, dict) or not isinstance(data.get("sessions"), list):
        raise ImportFailed([(1, _("The file must have a “sessions” list."))])
    nodes = next(v for k, v in root.value if k.value == "sessions").value
    out = []
    for node, item in zip(nodes, data["sessions"]):
        line = node.start_mark.line + 1
        if not isinstance(item, dict):
            raise ImportFailed([(line, _("Each session must be a mapping of fields."))])
        row = {k: ("" if v is None else v) for k, v in item.items()}
        speakers = item.get("speakers") or []
        row["speakers"] = [f"{s.get('name', '')} ({s.get('role') or 'speaker'})" if isinstance(s, dict) else str(s)
                           for s in speakers]
        if "topics" in item:
            topics = item.get("topics") or []
            row["topics"] = split_names("; ".join(str(t) for t in topics) if isinstance(topics, list) else str(topics))
        out.append((line, row))
    return out


def _speakers(cells):
    result, seen = [], set()
    for cell in cells:
        cell = cell.strip()
        match = SPEAKER_RE.match(cell)
        name, role = (match["name"].strip(), match["role"]) if match else (cell, SpeakerRole.SPEAKER)
        if role not in SpeakerRole.ALL:
            raise ValidationFailed(_("Unknown speaker role “%(role)s” (use %(roles)s).", role=role, roles=", ".join(SpeakerRole.ALL)))
        if name.casefold() in seen:
            raise ValidationFailed(_("%(name)s is listed twice among the speakers.", name=name))
        seen.add(name.casefold())
        result.append((name, role))
    return result


def _flag(value):
    text = str(value).strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValidationFailed(_("Registration must be yes or no."))


def _capacity(value):
    text = str(value).strip()
    if not text:
        return None
    if parse_id(text) is None:
        raise ValidationFailed(_("Capacity must be a whole number, or empty for no limit."))
    return parse_id(text)


def import_agenda(event, filename, data, actor):
    """Add and update sessions of the working copy from a CSV or YAML file; all rows or none."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFailed([(1, _("The file must be saved as UTF-8 text."))]) from None
    parsed = _parse_yaml(text) if filename.lower().endswith((".yaml", ".yml")) else _parse_csv(text)
    drafts = {d.uid: d for d in draft_sessions(event)}
    rooms = {r.name: r.id for r in event.rooms}
    people = {}
    for person in event_people_list(event):
        people.setdefault(person.name, []).append(person)
    errors, planned, uids = [], [], set()
    for line, row in parsed:
        try:
            uid = str(row.get("uid") or "").strip()
            if uid and uid not in drafts:
                raise ValidationFailed(_("Unknown uid “%(uid)s”: leave it empty for a new session.", uid=uid))
            if uid in uids:
                raise ValidationFailed(_("The uid “%(uid)s” appears twice.", uid=uid))
            uids.add(uid or None)
            room = str(row.get("room") or "").strip()
            if room and room not in rooms:
                raise ValidationFailed(_("Unknown room “%(room)s”: add it under Rooms first.", room=room))
            speakers = _speakers(row["speakers"])
            for name, _role in speakers:
                if len(people.get(name, [])) > 1:
                    raise ValidationFailed(_("Several people are called %(name)s: edit the session in the browser.", name=name))
            cleaned, _ids = clean_values(event, {
                "title": str(row.get("title") or ""), "session_type": str(row.get("type") or "").strip(),
                "status": str(row.get("status") or SessionStatus.SCHEDULED).strip(),
                "starts_local": parse_local(str(row.get("start") or "")), "ends_local": parse_local(str(row.get("end") or "")),
                "room_id": rooms.get(room), "description": str(row.get("description") or ""),
                "capacity": _capacity(row.get("capacity", "")), "requires_registration": _flag(row.get("registration", "")),
            })
            topic_names = row.get("topics")
            if topic_names is not None and any(len(name) > MAX_LABEL for name in topic_names):
                raise ValidationFailed(_("A topic's name can have at most %(num)d characters.", num=MAX_LABEL))
            planned.append((drafts.get(uid), cleaned, speakers, topic_names))
        except ValidationFailed as exc:
            errors.append((line, str(exc)))
    if errors:
        raise ImportFailed(errors)
    return _apply(event, planned, people, actor)


def _apply(event, planned, people, actor):
    added = updated = 0
    new_people = []
    for draft, cleaned, speakers, topic_names in planned:
        ids = []
        for name, role in speakers:
            if name not in people:
                person = Person(name=name, slug=unique_person_slug(name))
                db.session.add(person)
                db.session.flush()
                link_person(event, person)
                people[name] = [person]
                new_people.append(name)
            ids.append((people[name][0].id, role))
        if draft is None:
            draft = DraftSession(event=event)
            db.session.add(draft)
            apply_values(draft, cleaned, ids)
            if topic_names is not None:
                set_topics(draft, resolve_topics(event, names=topic_names))
            added += 1
        else:
            changed = apply_values(draft, cleaned, ids)
            if topic_names is not None and set_topics(draft, resolve_topics(event, names=topic_names)):
                changed.append("topics")
            if changed:
                updated += 1
    db.session.flush()
    if added or updated or new_people:
        audit.record(actor, "agenda.import", event=event, target=event.title,
                     details={"added": added, "updated": updated, "new_people": new_people})
    return {"added": added, "updated": updated, "new_people": new_people}


def session_count(event):
    return db.session.scalar(sa.select(sa.func.count()).select_from(DraftSession).where(DraftSession.event_id == event.id))
