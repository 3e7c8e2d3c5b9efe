"""The organiser's dashboard and the publish form: what needs attention, at a flat query cost."""
import re
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from eventapp.extensions import db
from eventapp.models import AgendaRevision, Event
from eventapp.services.agenda.labels import next_label
from eventapp.services.agenda.working_copy import ensure_working_copy

from .conftest import insert_registrations, text

UTC = timezone.utc


def line_of(body, title):
    """The dashboard's text for one event (up to the next event's title)."""
    return body.split(title, 1)[1].split("Test event", 1)[0]


def test_the_dashboard_shows_status_counts_and_what_needs_attention(client, open_event, make_event, make_policy,
                                                                   make_session, make_registration, organiser):
    user = organiser(open_event)
    for state in ("confirmed", "confirmed", "waitlisted", "pending"):
        make_registration(open_event, state=state)
    closed = make_event(title="Test event closed", status="draft")
    make_policy(closed, closes_at=datetime.now(UTC) - timedelta(days=1))
    session = make_session(closed, title="Panel")
    ensure_working_copy(closed)
    db.session.commit()
    from eventapp.models import DraftSession
    draft = db.session.scalar(sa.select(DraftSession).where(DraftSession.session_id == session.id))
    draft.title = "Panel on skills"  # an agenda change not yet published
    user.events = [open_event, closed]
    db.session.commit()
    body = text(client.get("/manage/"))
    mine = line_of(body, open_event.title)
    assert "Public" in mine and "Registration open" in mine
    assert "2 confirmed, 1 waiting, 1 awaiting approval" in mine
    assert "1 registration awaits approval" in mine and "agenda change" not in mine
    theirs = line_of(body, "Test event closed")
    assert "Hidden from the public" in theirs and "Registration closed" in theirs
    assert "0 confirmed, 0 waiting, 0 awaiting approval" in theirs
    assert "1 agenda change not published" in theirs and "awaits approval" not in theirs
    html = client.get("/manage/").get_data(as_text=True)
    assert f"/manage/events/{open_event.id}/registrations/?state=pending" in html
    assert f"/manage/events/{closed.id}/agenda/publish" in html


def test_the_dashboard_costs_the_same_number_of_queries_for_2_or_30_events(client, make_event, make_policy,
                                                                          make_session, make_user, login,
                                                                          count_queries):
    user = make_user(role="admin")  # an admin sees every event
    assert login(user).status_code == 302

    def add_events(number):
        for _ in range(number):
            event = make_event()
            make_policy(event)
            make_session(event)
            ensure_working_copy(event)
            insert_registrations(event, 3, start=event.id * 100)
        db.session.commit()

    def measure():
        client.get("/manage/")  # the first request of a session does its own bookkeeping
        with count_queries() as statements:
            response = client.get("/manage/")
        assert response.status_code == 200
        return len(statements)

    add_events(2)
    few = measure()
    add_events(28)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 30
    many = measure()
    print(f"dashboard queries: {few} for 2 events, {many} for 30 events")
    assert few == many, (few, many)
    assert many <= 12
    assert text(client.get("/manage/")).count("3 confirmed, 0 waiting, 0 awaiting approval") == 30


def test_the_publish_form_starts_empty_and_suggests_the_next_label(client, make_event, make_session, organiser):
    event = make_event()
    make_session(event, title="Opening")
    organiser(event)
    base = f"/manage/events/{event.id}"
    html = client.get(f"{base}/agenda/publish").get_data(as_text=True)
    label_input = re.search(r'<input[^>]*name="label"[^>]*>', html).group(0)
    assert 'value=""' in label_input or "value=" not in label_input
    assert "checked" not in re.search(r'<fieldset.*?</fieldset>', html, re.S).group(0)  # neither draft nor final
    assert 'list="label-suggestions"' in label_input and "Suggested: Draft agenda" in text(client.get(f"{base}/agenda/publish"))
    refused = client.post(f"{base}/agenda/publish", data={"label": "Programme v1"})
    assert "Say whether this revision is a draft or the final programme." in text(refused)
    client.post(f"{base}/agenda/publish", data={"label": "Programme v1", "is_final": "draft"})
    page = text(client.get(f"{base}/agenda/publish"))
    assert "Suggested: Programme v2" in page and "The public agenda is now “Programme v1”, a draft agenda." in page


def test_a_final_programme_over_a_public_draft_is_published_only_once_confirmed(client, make_event, make_session,
                                                                               organiser):
    event = make_event()
    make_session(event, title="Opening")
    organiser(event)
    base = f"/manage/events/{event.id}"
    client.post(f"{base}/agenda/publish", data={"label": "Draft agenda", "is_final": "draft"})
    asked = client.post(f"{base}/agenda/publish", data={"label": "Final programme", "is_final": "final"})
    assert asked.status_code == 200
    assert ("The public agenda is a draft (“Draft agenda”). Publishing “Final programme” as the final programme"
            in text(asked))
    assert "Yes, publish the final programme" in text(asked)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AgendaRevision)) == 1
    done = client.post(f"{base}/agenda/publish", data={"label": "Final programme", "is_final": "final",
                                                       "confirm_final": "yes"}, follow_redirects=True)
    assert "Revision 2 “Final programme” published" in text(done)
    # A final programme over a final programme needs no second question.
    again = client.post(f"{base}/agenda/publish", data={"label": "Final programme (corrected)", "is_final": "final"})
    assert again.status_code == 302


def test_next_label_rules(app, make_event):
    event = make_event(timezone="Asia/Tokyo")
    now = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)  # already 2 March in Tokyo
    assert next_label(event, now) == "Draft agenda 02/03/2026"
    event.agenda_label = "Draft agenda 25/09/2024"
    assert next_label(event, now) == "Draft agenda 02/03/2026"
    event.agenda_label = "Programme v9"
    assert next_label(event, now) == "Programme v10"
    event.agenda_label = "Final programme"
    assert next_label(event, now) == "Final programme (2)"
