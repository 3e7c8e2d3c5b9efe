"""Topics of sessions: set in the session form and in CSV/YAML files, published, filtered on the public agenda."""
import io

import sqlalchemy as sa
import yaml

from eventapp.extensions import db
from eventapp.models import DraftSession, EventSession, Tag

from .conftest import text


def session_data(**changes):
    data = {"title": "Panel on pathways", "session_type": "panel", "starts_at": "2030-05-06T10:00",
            "ends_at": "2030-05-06T11:30", "room_id": 0, "description": "", "capacity": ""}
    data.update(changes)
    return data


def publish(client, event):
    response = client.post(f"/manage/events/{event.id}/agenda/publish", data={"label": "Draft agenda", "is_final": "draft"},
                           follow_redirects=True)
    assert "published" in text(response)


def test_topic_filter_appears_filters_combines_with_type_and_carries_into_calendar_links(client, make_event, make_tag, organiser):
    event = make_event(slug="topics")
    sdg = make_tag("sdg", "10", "SDG 10: Reduced Inequalities")
    event.tags = [sdg]
    db.session.commit()
    organiser(event)
    base = f"/manage/events/{event.id}/sessions/new"

    client.post(base, data=session_data(title="Welcome words", session_type="opening", starts_at="2030-05-06T09:00", ends_at="2030-05-06T09:30"))
    publish(client, event)
    assert "Topic" not in text(client.get("/events/topics/agenda"))  # no session has a topic: no topic filter

    form = text(client.get(base))
    assert "Topics SDG 10: Reduced Inequalities" in form
    response = client.post(base, data=session_data(title="Remittances panel", topics=[str(sdg.id)],
                                                   new_topics="Remittances ; climate mobility; Remittances"), follow_redirects=True)
    assert "Session “Remittances panel” saved" in text(response)
    client.post(base, data=session_data(title="Remittances workshop", session_type="workshop", starts_at="2030-05-06T12:00",
                                        ends_at="2030-05-06T13:00", new_topics="remittances"), follow_redirects=True)
    remittances = db.session.scalar(sa.select(Tag).where(Tag.label == "Remittances"))
    assert remittances.slug == "topic-remittances" and remittances in event.tags  # a new topic of the event, found again by name
    assert "Remittances" not in text(client.get("/events/topics/agenda"))  # not before publishing
    assert "climate mobility" in text(client.get(f"/manage/events/{event.id}/sessions/"))  # the topics, listed
    publish(client, event)

    page = client.get("/events/topics/agenda")
    body = page.get_data(as_text=True)
    assert "Topic" in text(page) and 'name="tag" value="topic-remittances"' in body and 'name="tag" value="sdg-10"' in body

    filtered = text(client.get("/events/topics/agenda?tag=topic-remittances"))
    assert "Showing 2 of 3 sessions." in filtered and "Welcome words" not in filtered
    combined = client.get("/events/topics/agenda?tag=topic-remittances&type=workshop")
    assert "Showing 1 of 3 sessions." in text(combined) and "Remittances panel" not in text(combined)
    combined_body = combined.get_data(as_text=True)
    assert 'href="/events/topics/calendar.ics?type=workshop&amp;tag=topic-remittances"' in combined_body
    assert 'href="webcal://events.example.org/events/topics/calendar.ics?type=workshop&amp;tag=topic-remittances"' in combined_body
    feed = client.get("/events/topics/calendar.ics?type=workshop&tag=topic-remittances").get_data(as_text=True)
    assert "Remittances workshop" in feed and "Remittances panel" not in feed and "Welcome words" not in feed
    only_sdg = text(client.get("/events/topics/agenda?tag=sdg-10"))
    assert "Showing 1 of 3 sessions." in only_sdg and "Remittances panel" in only_sdg

    draft = db.session.scalar(sa.select(DraftSession).where(DraftSession.title == "Remittances panel"))
    client.post(f"/manage/events/{event.id}/sessions/{draft.id}/edit", data=session_data(title="Remittances panel", topics=[]))
    publish(client, event)
    item = db.session.scalar(sa.select(EventSession).where(EventSession.title == "Remittances panel"))
    assert item.tags == []
    assert client.post(f"/manage/events/{event.id}/sessions/{draft.id}/edit",
                       data=session_data(topics=["99999"])).status_code == 200
    assert "Choose topics from the event's topics." in text(client.post(
        f"/manage/events/{event.id}/sessions/{draft.id}/edit", data=session_data(topics=["99999"])))


def test_topics_column_in_csv_and_yaml_import_and_export(client, make_event, make_tag, organiser):
    event = make_event(slug="io-topics")
    make_tag("sdg", "10", "SDG 10: Reduced Inequalities")
    organiser(event)
    csv_text = ("uid,start,end,type,title,topics\r\n"
                "\"\",2030-05-06 10:00,2030-05-06 11:00,panel,Panel A,Remittances; sdg-10\r\n"
                "\"\",2030-05-06 11:00,2030-05-06 12:00,panel,Panel B,\r\n")
    response = client.post(f"/manage/events/{event.id}/agenda/import",
                           data={"file": (io.BytesIO(csv_text.encode()), "agenda.csv")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "Import done: 2 session(s) added" in text(response)

    exported = client.get(f"/manage/events/{event.id}/agenda/export.csv").get_data(as_text=True)
    header, first, second = exported.lstrip("\ufeff").splitlines()[:3]
    assert header.endswith(",topics") and first.endswith(",sdg-10; Remittances") and second.endswith(",")

    data = yaml.safe_load(client.get(f"/manage/events/{event.id}/agenda/export.yaml").get_data(as_text=True))
    assert data["sessions"][0]["topics"] == ["sdg-10", "Remittances"]
    data["sessions"][0]["topics"] = ["Climate mobility"]
    data["sessions"][1].pop("topics")  # a file without topics leaves them as they are
    response = client.post(f"/manage/events/{event.id}/agenda/import",
                           data={"file": (io.BytesIO(yaml.safe_dump(data).encode()), "agenda.yaml")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "1 updated" in text(response)
    drafts = db.session.scalars(sa.select(DraftSession).order_by(DraftSession.starts_at)).all()
    assert [[t.label for t in d.tags] for d in drafts] == [["Climate mobility"], []]
