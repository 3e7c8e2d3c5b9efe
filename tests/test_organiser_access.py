"""Who may open each /manage page: every route in the URL map, for each kind of visitor, through HTTP."""
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from config import TestingConfig
from eventapp import create_app
from eventapp.extensions import db
from eventapp.models import Delegation, DraftSession, EventStatus, RegistrationQuestion

#: Every /manage endpoint and who may use it. A route missing here fails test_every_manage_route_is_listed.
ROUTES = {
    "organiser.login": "public",
    "organiser.logout": "user",
    "organiser.dashboard": "user",
    "organiser.change_password": "user",
    "organiser.new_event": "user",
    "organiser.agenda_template": "user",
    "organiser.event": "event",
    "organiser.edit_event": "event",
    "organiser.rooms": "event",
    "organiser.publish_event": "event",
    "organiser.unpublish_event": "event",
    "organiser.sessions": "event",
    "organiser.new_session": "event",
    "organiser.edit_session": "event",
    "organiser.move_session": "event",
    "organiser.duplicate_session": "event",
    "organiser.delete_session": "event",
    "organiser.cancel_session": "event",
    "organiser.people": "event",
    "organiser.new_person": "event",
    "organiser.edit_person": "event",
    "organiser.import_agenda": "event",
    "organiser.export_agenda": "event",
    "organiser.publish_agenda": "event",
    "organiser.discard_changes": "event",
    "organiser.messages_log": "event",
    "organiser.new_message": "event",
    "organiser.badge_sheet": "event",
    "organiser.checkin_desk": "event",
    "organiser.checkin_scan": "event",
    "organiser.checkin_counts": "event",
    "organiser.awards_overview": "event",
    "organiser.edit_awards": "event",
    "organiser.release_awards": "event",
    "organiser.export_award_entries": "event",
    "organiser.new_award_category": "event",
    "organiser.edit_award_category": "event",
    "organiser.delete_award_category": "event",
    "organiser.move_award_category": "event",
    "organiser.award_entries": "event",
    "organiser.new_award_entry": "event",
    "organiser.edit_award_entry": "event",
    "organiser.delete_award_entry": "event",
    "organiser.award_ceremony": "event",
    "organiser.new_ceremony_item": "event",
    "organiser.edit_ceremony_item": "event",
    "organiser.delete_ceremony_item": "event",
    "organiser.event_by_slug": "event",
    "organiser.users": "admin",
    "organiser.new_user": "admin",
    "organiser.edit_user": "admin",
    "organiser.audit_log": "admin",
    "organiser.desk": "event",
    "organiser.desk_figures_page": "event",
    "organiser.desk_export_file": "event",
    "organiser.desk_bulk": "event",
    "organiser.desk_registration": "event",
    "organiser.desk_approve": "event",
    "organiser.desk_decline": "event",
    "organiser.desk_promote": "event",
    "organiser.desk_cancel": "event",
    "organiser.desk_edit": "event",
    "organiser.desk_settings": "event",
    "organiser.desk_session_capacities": "event",
    "organiser.desk_add": "event",
    "organiser.checkin_walk_in": "event",
    "organiser.delegations": "event",
    "organiser.delegation": "event",
    "organiser.delegation_message": "event",
    "organiser.desk_online": "event",
    "organiser.desk_online_sessions": "event",
    "organiser.delegation_link": "event",
    "organiser.questions": "event",
    "organiser.new_question": "event",
    "organiser.edit_question": "event",
    "organiser.question_action": "event",
    "organiser.export_questions": "event",
    "organiser.import_questions": "event",
    "organiser.desk_answers": "event",
    "organiser.embed_settings": "event",
    "organiser.documents_page": "event",
    "organiser.edit_document": "event",
    "organiser.put_document_file": "event",
    "organiser.delete_document": "event",
    "organiser.export_documents": "event",
    "organiser.document_file": "event",
}


def manage_routes():
    """(endpoint, method) for every rule under /manage, read from the application's URL map."""
    app = create_app(TestingConfig)
    return sorted(
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/manage")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )


MANAGE_ROUTES = manage_routes()
ROLES = ("anonymous", "other_organiser", "organiser", "admin")


def test_every_manage_route_is_listed(app):
    endpoints = {endpoint for endpoint, _method in MANAGE_ROUTES}
    assert endpoints == set(ROUTES), "add new /manage routes to ROUTES with who may use them"
    assert len(MANAGE_ROUTES) >= 40


@pytest.fixture
def world(app, make_event, make_user, make_session, make_person, make_room, make_policy, make_registration):
    """Two events with their own organisers, and an admin."""
    from eventapp.services.agenda.people import link_person
    from eventapp.services.agenda.working_copy import ensure_working_copy

    mine = make_event(title="Event Alpha secret-title")
    theirs = make_event(title="Event Beta")
    make_room(mine, "Alpha room")
    for event in (mine, theirs):
        person = make_person(name=f"Speaker of {event.title}")
        make_session(event, speakers=[(person, "moderator")])
        ensure_working_copy(event)
        link_person(event, person)
    make_policy(mine)
    registration = make_registration(mine, state="pending", first_name="Registrant", last_name="Alpha secret-title")
    make_session(mine, title="Workshop Alpha secret-title", requires_registration=True, capacity=5)
    delegation = Delegation(event=mine, name="Mission Alpha secret-title", stakeholder_group="member_state",
                            country_code="EC", focal_first_name="Rosa", focal_last_name="Salazar",
                            focal_email="focal@example.org", token_hash="0" * 64)
    registration.delegation = delegation
    db.session.add(delegation)
    question = RegistrationQuestion(event=mine, kind="short_text", label="Which mission? secret-title")
    db.session.add(question)
    db.session.commit()
    users = {
        "admin": make_user(role="admin"),
        "organiser": make_user(events=[mine]),
        "other_organiser": make_user(events=[theirs]),
    }
    drafts = {e.id: db.session.scalar(db.select(DraftSession).filter_by(event_id=e.id)) for e in (mine, theirs)}
    awards = {e.id: _awards(e) for e in (mine, theirs)}
    from eventapp.services.documents.documents import add_document

    document = add_document(mine, {"title": "Alpha secret-title paper", "kind": "report", "access": "participants"},
                            "en", "paper.pdf", b"%PDF-1.4\n%%EOF\n", None)
    db.session.commit()
    values = {
        "event_id": mine.id,
        "draft_id": drafts[mine.id].id,
        "person_id": drafts[mine.id].speakers[0].person_id,
        "user_id": users["organiser"].id,
        "fmt": "csv",
        "category_id": awards[mine.id]["category"].id,
        "entry_id": awards[mine.id]["entry"].id,
        "item_id": awards[mine.id]["item"].id,
        "registration_id": registration.id,
        "delegation_id": delegation.id,
        "question_id": question.id,
        "action": "up",
        "slug": mine.slug,
        "page": "registrations/",
        "document_id": document.id,
        "language": "en",
    }
    return {"mine": mine, "theirs": theirs, "users": users, "values": values, "drafts": drafts, "awards": awards}


def _awards(event):
    """An awards programme with a category, a secret winner and a running-order item."""
    from datetime import timedelta

    from eventapp.services.awards import manage as awards_manage
    from eventapp.services.awards import ceremony

    programme = awards_manage.create_programme(event, title=f"Awards of {event.title}")
    category = awards_manage.create_category(programme, name=f"Category of {event.title}")
    entry = awards_manage.create_entry(category, title=f"Secret winner of {event.title}", status="winner")
    session = event.sessions[0]
    item = ceremony.create_ceremony_item(programme, session=session, title="Welcome", kind="welcome",
                                         starts_at=session.starts_at, ends_at=session.starts_at + timedelta(minutes=5))
    return {"programme": programme, "category": category, "entry": entry, "item": item}


def url_for_rule(app, endpoint, values):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **{k: values[k] for k in rule.arguments})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint,method", MANAGE_ROUTES)
def test_access_to_every_manage_route(app, client, login, world, endpoint, method, role):
    scope = ROUTES[endpoint]
    url = url_for_rule(app, endpoint, world["values"])
    if role != "anonymous":
        assert login(world["users"][role]).status_code == 302
    response = client.open(url, method=method, data={})
    body = response.get_data(as_text=True)
    location = response.headers.get("Location", "")

    if scope == "public":  # the login form, or straight on for someone already signed in
        if role == "anonymous":
            assert response.status_code == 200 and "Sign in" in body
        else:
            assert response.status_code == 302 and location == "/manage/"
        return
    if role == "anonymous":
        assert response.status_code == 302 and location.startswith("/manage/login?next=")
        assert parse_qs(urlsplit(location).query)["next"] == [url]
        return
    refused = (
        (scope == "admin" and role != "admin")
        or (scope == "event" and role == "other_organiser")
    )
    if refused:
        assert response.status_code == (403 if scope == "admin" else 404)
        assert "secret-title" not in body and "Speaker of Event Alpha" not in body
        assert "Secret winner" not in body
        return
    if endpoint == "organiser.logout":
        assert response.status_code == 302 and location == "/manage/login"
        assert client.get("/manage/").status_code == 302  # signed out
        return
    if endpoint == "organiser.event_by_slug":  # the same page under the event's number
        assert response.status_code == 302 and location == f"/manage/events/{world['mine'].id}/registrations/"
        return
    if method == "GET":
        assert response.status_code == 200, body[:500]
        if response.mimetype == "text/html":
            assert_one_h1_and_labelled_inputs(body)
    else:
        # An empty form may be refused as bad input (400), never as forbidden or not found.
        assert response.status_code in (200, 302, 400), body[:500]
        assert not location.startswith("/manage/login")


def test_objects_of_another_event_are_not_found_through_my_event(client, login, world):
    login(world["users"]["organiser"])
    mine, theirs = world["mine"].id, world["theirs"]
    their_draft = world["drafts"][theirs.id]
    for url in [f"/manage/events/{mine}/sessions/{their_draft.id}/edit", f"/manage/events/{mine}/sessions/{their_draft.id}/move",
                f"/manage/events/{mine}/people/{their_draft.speakers[0].person_id}/edit"]:
        response = client.get(url)
        assert response.status_code == 404 and "Event Beta" not in response.get_data(as_text=True)
    assert client.post(f"/manage/events/{mine}/sessions/{their_draft.id}/delete").status_code == 404
    assert db.session.get(DraftSession, their_draft.id) is not None


def test_manage_pages_open_by_the_events_slug_too(client, login, world):
    login(world["users"]["organiser"])
    mine, theirs = world["mine"], world["theirs"]
    response = client.get(f"/manage/events/{mine.slug}/checkin?q=Alpha")
    assert response.status_code == 302 and response.headers["Location"] == f"/manage/events/{mine.id}/checkin?q=Alpha"
    assert client.get(f"/manage/events/{mine.slug}/").headers["Location"] == f"/manage/events/{mine.id}/"
    assert client.get(f"/manage/events/{theirs.slug}/registrations/").status_code == 404
    assert client.get("/manage/events/no-such-event/registrations/").status_code == 404


def test_dashboard_lists_only_the_events_an_organiser_is_named_on(client, login, world):
    login(world["users"]["organiser"])
    page = client.get("/manage/").get_data(as_text=True)
    assert "Event Alpha" in page and "Event Beta" not in page
    client.post("/manage/logout")
    login(world["users"]["admin"])
    page = client.get("/manage/").get_data(as_text=True)
    assert "Event Alpha" in page and "Event Beta" in page


def test_an_organiser_named_on_a_hidden_event_may_manage_it(client, login, make_event, make_user):
    event = make_event(title="Unannounced", status=EventStatus.DRAFT)
    user = make_user(events=[event])
    login(user)
    assert client.get(f"/manage/events/{event.id}/").status_code == 200
    assert client.get(f"/events/{event.slug}/").status_code == 404


def assert_one_h1_and_labelled_inputs(html):
    """One <h1>, and every input a person fills in has a visible <label for> tied to it."""
    assert html.count("<h1") == 1
    labelled = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', html))
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
        if re.search(r'type="(hidden|submit)"', tag):
            continue
        found = re.search(r'\bid="([^"]+)"', tag)
        assert found and found.group(1) in labelled, tag
