"""The read-only JSON API: its OpenAPI document, what it answers, what it never shows, 304 and CORS."""
import json
from datetime import timedelta

import pytest
from openapi_spec_validator import validate

from eventapp.extensions import db
from eventapp.models import DraftSession, EntryStatus, EventStatus, SessionStatus, utcnow

from .conftest import local


def get_json(client, url, **kwargs):
    response = client.get(url, **kwargs)
    assert response.mimetype == "application/json", (url, response.status_code, response.data[:200])
    return response, response.get_json()


def test_the_openapi_document_is_valid_openapi_3_1(client):
    response, spec = get_json(client, "/api/v1/openapi.json")
    assert response.status_code == 200
    assert spec["openapi"] == "3.1.0"
    validate(spec)  # raises on any error
    assert {"/events", "/events/{slug}", "/events/{slug}/sessions", "/events/{slug}/awards"} <= set(spec["paths"])


def test_the_reference_page_lists_every_operation_without_any_cdn(client):
    page = client.get("/api/v1/").get_data(as_text=True)
    assert "/events/{slug}/sessions" in page and "openapi.json" in page
    assert "https://cdn" not in page and "//unpkg" not in page and "jsdelivr" not in page


def test_demo_day_sessions_at_their_geneva_times_with_uids(client, demo):
    _, data = get_json(client, "/api/v1/events/idm-2024-geneva/sessions")
    sessions = data["sessions"]
    assert data["timezone"] == "Europe/Zurich"
    assert len(sessions) == 8 and data["pagination"]["total"] == 8
    assert sessions[0]["starts_at"] == "2024-11-25T09:00:00+01:00"
    assert sessions[-1]["title"] == "The IOM Impact Awards Ceremony and Evening Reception"
    assert sessions[-1]["starts_at"].endswith("+01:00")
    uids = {s.uid for s in demo.sessions}
    assert {s["uid"] for s in sessions} == uids
    assert all(s["links"]["html"].startswith("https://events.example.org/events/idm-2024-geneva/sessions/")
               for s in sessions)


def test_event_detail_and_list(client, demo):
    _, listing = get_json(client, "/api/v1/events?when=all")
    assert [e["slug"] for e in listing["events"]][:1] == ["idm-2024-geneva"] or "idm-2024-geneva" in [
        e["slug"] for e in listing["events"]]
    _, past = get_json(client, "/api/v1/events?when=past")
    assert "idm-2024-geneva" in [e["slug"] for e in past["events"]]  # 2024 is past
    _, event = get_json(client, "/api/v1/events/idm-2024-geneva")
    assert event["timezone"] == "Europe/Zurich" and event["venue"]["city"]
    assert event["starts_at"] == "2024-11-25T09:00:00+01:00"
    assert event["links"]["schedule_xml"].endswith("/events/idm-2024-geneva/schedule.xml")
    assert isinstance(event["tags"], list) and event["sections"]


def test_filters_type_topic_day_and_pagination(client, make_event, make_session, make_tag):
    event = make_event(starts_at=local("Europe/Zurich", 2030, 5, 6, 9, 0))
    event.ends_at = event.starts_at + timedelta(days=2)
    tag = make_tag("sdg", "10", "Reduced inequalities")
    first = make_session(event, session_type="panel", title="Panel A")
    first.tags.append(tag)
    make_session(event, session_type="break", title="Coffee", starts_at=event.starts_at + timedelta(hours=1))
    make_session(event, session_type="panel", title="Panel B", starts_at=event.starts_at + timedelta(days=1))
    db.session.commit()
    base = f"/api/v1/events/{event.slug}/sessions"
    assert [s["title"] for s in get_json(client, base + "?type=panel")[1]["sessions"]] == ["Panel A", "Panel B"]
    assert [s["title"] for s in get_json(client, base + "?topic=sdg-10")[1]["sessions"]] == ["Panel A"]
    assert [s["title"] for s in get_json(client, base + "?day=2030-05-07")[1]["sessions"]] == ["Panel B"]
    _, page2 = get_json(client, base + "?per_page=2&page=2")
    assert [s["title"] for s in page2["sessions"]] == ["Panel B"]
    assert page2["pagination"] == {"page": 2, "per_page": 2, "total": 3, "pages": 2}
    for bad in ("?type=nope", "?day=2030-13-40", "?day=%C2%B2", "?per_page=0", "?per_page=%C2%B2", "?lang=de",
                "?page=99999999999999999999"):
        response, body = get_json(client, base + bad)
        assert response.status_code == 400 and body["error"]["code"] == "bad_request", bad


def test_language_by_query_or_accept_language(client, make_event, make_session):
    event = make_event()
    make_session(event, session_type="break")
    base = f"/api/v1/events/{event.slug}/sessions"
    assert get_json(client, base + "?lang=fr")[1]["sessions"][0]["type_label"] == "Pause"
    response, data = get_json(client, base, headers={"Accept-Language": "es"})
    assert data["sessions"][0]["type_label"] == "Pausa" and response.headers["Content-Language"] == "es"
    assert get_json(client, base, headers={"Accept-Language": "de"})[1]["sessions"][0]["type_label"] == "Break"


def test_errors_are_json_with_the_right_status(client, make_event):
    make_event(slug="hidden", status=EventStatus.DRAFT)
    for url, status in (("/api/v1/events/nope", 404), ("/api/v1/events/hidden", 404), ("/api/v1/nothing/here", 404),
                        ("/api/v1/events/hidden/sessions/1", 404), ("/api/v1/events/x/sessions/2147483648", 404),
                        ("/api/v1/events?when=soon", 400)):
        response, body = get_json(client, url)
        assert response.status_code == status and set(body["error"]) == {"code", "message"}, url
    response = client.post("/api/v1/events")
    assert response.status_code == 405 and response.get_json()["error"]["code"] == "method_not_allowed"


def test_304_cors_and_no_cookie(client, demo):
    url = "/api/v1/events/idm-2024-geneva/sessions"
    first = client.get(url, headers={"Origin": "https://partner.example"})
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in first.headers
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    since = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    preflight = client.options(url, headers={"Origin": "https://partner.example",
                                             "Access-Control-Request-Method": "GET",
                                             "Access-Control-Request-Headers": "if-none-match"})
    assert preflight.status_code == 200
    assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]


def test_nothing_personal_and_nothing_unpublished(client, open_event, make_session, make_participant, make_user):
    published = make_session(open_event, title="Published panel")
    db.session.add(DraftSession(event=open_event, session_id=None, title="Secret draft panel",
                                starts_at=published.starts_at, ends_at=published.ends_at, description=""))
    make_participant(open_event, email="amaru.quispe@example.org", first_name="Amaru", last_name="Quispe")
    db.session.commit()
    bodies = "".join(client.get(u).get_data(as_text=True) for u in (
        "/api/v1/events?when=all", f"/api/v1/events/{open_event.slug}", f"/api/v1/events/{open_event.slug}/sessions",
        f"/api/v1/events/{open_event.slug}/speakers", f"/api/v1/events/{open_event.slug}/changes",
        f"/events/{open_event.slug}/schedule.json", f"/events/{open_event.slug}/schedule.xml"))
    assert "Published panel" in bodies
    for secret in ("Secret draft panel", "amaru", "Quispe", "@example.org"):
        assert secret not in bodies


def test_changes_never_name_who_published(client, make_event, make_session, make_user):
    from eventapp.services.agenda import revisions, working_copy

    event = make_event()
    make_session(event, title="Opening")
    publisher = make_user(email="publisher@example.org", role="admin")
    working_copy.draft_sessions(event)
    revisions.publish_revision(event, "Draft agenda", False, publisher)
    db.session.commit()
    text = client.get(f"/api/v1/events/{event.slug}/changes").get_data(as_text=True)
    data = json.loads(text)
    assert data["revisions"][0]["label"] == "Draft agenda"
    assert "publisher@example.org" not in text


def test_awards_results_only_after_release(client, make_programme, make_category, make_entry):
    programme = make_programme(is_published=True)
    category = make_category(programme, name="Innovation")
    make_entry(category, title="Winning idea", status=EntryStatus.WINNER)
    make_entry(category, title="Other idea", status=EntryStatus.FINALIST)
    url = f"/api/v1/events/{programme.event.slug}/awards"
    before = client.get(url)
    entries = before.get_json()["categories"][0]["entries"]
    assert {e["result"] for e in entries} == {None} and before.get_json()["results_released"] is False
    assert "winner" not in before.get_data(as_text=True)
    assert "no-cache" in before.headers["Cache-Control"]
    programme.release_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    results = {e["title"]: e["result"] for e in after.get_json()["categories"][0]["entries"]}
    assert results == {"Winning idea": "winner", "Other idea": "finalist"}


def test_cancelled_sessions_are_listed_as_cancelled(client, make_event, make_session):
    event = make_event()
    make_session(event, title="Called off", status=SessionStatus.CANCELLED)
    _, data = get_json(client, f"/api/v1/events/{event.slug}/sessions")
    assert data["sessions"][0]["status"] == "cancelled"


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_schemathesis_finds_no_server_error_and_no_schema_mismatch(app, demo):
    """Bounded property-based run over every operation: responses must match the document."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    checks = []

    for operation in schema.get_all_operations():
        operation = operation.ok()

        @settings(max_examples=10, deadline=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case):
            response = case.call()
            assert response.status_code < 500, (case.path, response.status_code)
            case.validate_response(response)
            checks.append(response.status_code)

        run()
    assert len(checks) >= 50


def test_event_answers_come_from_the_cache_and_follow_every_change(client, make_event, make_session, count_queries):
    event = make_event()
    item = make_session(event, title="Opening")
    url = f"/api/v1/events/{event.slug}/sessions"
    first = client.get(url)
    assert first.get_json()["sessions"][0]["title"] == "Opening"
    with count_queries() as statements:
        again = client.get(url)
    assert again.data == first.data and len(statements) <= 1  # the version check only
    item.title = "Opening and welcome"
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.get_json()["sessions"][0]["title"] == "Opening and welcome"
    assert "Set-Cookie" not in changed.headers and changed.headers["Access-Control-Allow-Origin"] == "*"
