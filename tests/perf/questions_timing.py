"""Timings of the desk with the event's own questions: 2,000 registrations, four questions answered by all.

    python tests/perf/questions_timing.py

Uses an in-memory SQLite database; requests go through the whole application in-process (Flask
test client, signed in as an organiser), each timed once after a warm-up request. pytest does not
collect it (the name does not start with test_).
"""
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from config import TestingConfig  # noqa: E402
from eventapp import create_app  # noqa: E402
from eventapp.extensions import db  # noqa: E402
from eventapp.models import (  # noqa: E402
    Event, EventStatus, Registration, RegistrationAnswer, RegistrationPolicy, answer_choices,
)
from eventapp.services.accounts import create_user  # noqa: E402
from eventapp.services.registration import questions as qr  # noqa: E402
from tests.conftest import PASSWORD, insert_registrations  # noqa: E402

app = create_app(TestingConfig)
with app.app_context():
    db.create_all()
    start = datetime.now(timezone.utc) + timedelta(days=30)
    e = Event(slug="m", title="M", status=EventStatus.PUBLISHED, starts_at=start, ends_at=start + timedelta(hours=8), timezone="Europe/Zurich")
    db.session.add(e); db.session.add(RegistrationPolicy(event=e)); db.session.flush()
    user = create_user("o@example.org", PASSWORD, "organiser"); user.events = [e]
    qs = [qr.add_question(e, dict(kind="short_text", label="Mission"), user),
          qr.add_question(e, dict(kind="yes_no", label="Visa"), user),
          qr.add_question(e, dict(kind="multiple_choice", label="Interp", choices="EN\nFR\nES"), user),
          qr.add_question(e, dict(kind="single_choice", label="Floor", choices="Yes\nNo"), user)]
    db.session.commit()
    insert_registrations(e, 2000)
    ids = db.session.scalars(sa.select(Registration.id)).all()
    rows = []
    for rid in ids:
        rows += [dict(registration_id=rid, question_id=qs[0].id, value=f"Mission {rid}", updated_at=start),
                 dict(registration_id=rid, question_id=qs[1].id, value="yes", updated_at=start),
                 dict(registration_id=rid, question_id=qs[2].id, value="", updated_at=start),
                 dict(registration_id=rid, question_id=qs[3].id, value="", updated_at=start)]
    db.session.execute(sa.insert(RegistrationAnswer), rows); db.session.commit()
    links = []
    for a in db.session.execute(sa.select(RegistrationAnswer.id, RegistrationAnswer.question_id)).all():
        if a.question_id == qs[2].id: links += [dict(answer_id=a.id, choice_id=qs[2].choices[0].id), dict(answer_id=a.id, choice_id=qs[2].choices[1].id)]
        if a.question_id == qs[3].id: links.append(dict(answer_id=a.id, choice_id=qs[3].choices[0].id))
    db.session.execute(sa.insert(answer_choices), links); db.session.commit()
    c = app.test_client()
    c.post("/manage/login", data={"email": "o@example.org", "password": PASSWORD})
    show = "&".join(f"show={q.id}" for q in qs)
    for label, url in (("desk page, 4 question columns", f"/manage/events/{e.id}/registrations/?{show}"),
                       ("desk page filtered by a choice", f"/manage/events/{e.id}/registrations/?answer={qs[2].choices[1].id}&{show}"),
                       ("CSV export, 2000 rows, all columns", f"/manage/events/{e.id}/registrations/export.csv"),
                       ("Excel export, 2000 rows", f"/manage/events/{e.id}/registrations/export.xlsx")):
        c.get(url)
        t = time.perf_counter(); r = c.get(url); dt = time.perf_counter() - t
        print(f"{label}: {r.status_code} {dt*1000:.0f} ms, {len(r.data)} bytes")
    base = "&".join(f"columns={k}" for k in ("reference", "first_name", "last_name", "email", "organisation", "stakeholder_group", "country", "mode", "state"))
    for label, url in (("CSV export, 2000 rows, standard columns only", f"/manage/events/{e.id}/registrations/export.csv?{base}"),
                       ("Excel export, standard columns only", f"/manage/events/{e.id}/registrations/export.xlsx?{base}")):
        c.get(url)
        t = time.perf_counter(); r = c.get(url); dt = time.perf_counter() - t
        print(f"{label}: {r.status_code} {dt*1000:.0f} ms, {len(r.data)} bytes")
