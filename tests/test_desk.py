"""The registrations desk through HTTP: list, decisions, bulk actions, settings, figures and exports."""
import csv
import io
import re
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from openpyxl import load_workbook

from eventapp.extensions import db
from eventapp.models import AuditEntry, Registration
from eventapp.services import mail

from .conftest import insert_registrations, outbox, text

UTC = timezone.utc


def desk_url(event, path=""):
    return f"/manage/events/{event.id}/registrations/{path}"


def references(response):
    return re.findall(r">((?:TEST|T|B\d+)-?[0-9A-Z]+)</a></td>", response.get_data(as_text=True))


def test_the_desk_is_a_tab_of_the_event_and_lists_registrations(client, open_event, organiser, make_registration):
    organiser(open_event)
    person = make_registration(open_event, first_name="Amina", last_name="Diallo", organisation="Ministry of Labour")
    page = client.get(f"/manage/events/{open_event.id}/")
    assert f'href="{desk_url(open_event)}"' in page.get_data(as_text=True)
    body = text(client.get(desk_url(open_event)))
    assert "Diallo, Amina" in body and "Ministry of Labour" in body and person.reference in body
    assert "Registrations 1 to 1 of 1." in body


def test_search_filters_sorting_and_pages_through_http(client, open_event, organiser, make_registration):
    organiser(open_event)
    for n in range(3):
        make_registration(open_event, reference=f"TEST-A{n}", last_name=f"Zed{n}", country_code="SN", state="pending")
    make_registration(open_event, reference="TEST-B0", last_name="Alpha", country_code="CH", organisation="OECD")
    assert references(client.get(desk_url(open_event) + "?q=oecd")) == ["TEST-B0"]
    assert references(client.get(desk_url(open_event) + "?country=SN&sort=-name")) == ["TEST-A2", "TEST-A1", "TEST-A0"]
    assert references(client.get(desk_url(open_event) + "?state=confirmed")) == ["TEST-B0"]
    assert references(client.get(desk_url(open_event) + "?sort=name")) == ["TEST-B0", "TEST-A0", "TEST-A1", "TEST-A2"]
    page = client.get(desk_url(open_event) + "?state=sneaky&sort=evil&page=abc")
    assert page.status_code == 200 and len(references(page)) == 4


def test_a_page_runs_the_same_number_of_queries_for_50_or_2500_registrations(client, open_event, make_event,
                                                                              make_policy, organiser, count_queries):
    big = make_event()
    make_policy(big)
    insert_registrations(open_event, 50)
    insert_registrations(big, 2500, start=1000)
    user = organiser(open_event)
    user.events = [open_event, big]
    db.session.commit()
    counts = {}
    for event in (open_event, big):
        client.get(desk_url(event))  # the first request of a session does its own bookkeeping
        for query in ("", "?page=2", "?q=last00&state=confirmed&group=academia&sort=name", "?country=SN&sort=-email&page=3"):
            with count_queries() as statements:
                response = client.get(desk_url(event) + query)
            assert response.status_code == 200
            counts[event.id, query] = len(statements)
    # 10: the list, its count, the filters' choices (countries, sessions, delegations), questions, the user
    # and the check that the sign-in was not ended meanwhile...
    assert len(set(counts.values())) == 1 and max(counts.values()) <= 10, counts
    assert "of 2500." in text(client.get(desk_url(big)))
    page = client.get(desk_url(big) + "?page=50")
    assert "Registrations 2451 to 2500 of 2500." in text(page) and len(references(page)) == 50


def test_decline_sends_the_reason_by_email(client, open_event, organiser, make_registration, smtp):
    organiser(open_event)
    person = make_registration(open_event, state="pending", email="amina@example.org")
    url = desk_url(open_event, f"{person.id}")
    response = client.post(url + "/decline", data={"decline-reason": ""})
    assert response.status_code == 200 and "Please give the reason for declining." in text(response)
    response = client.post(url + "/decline", data={"decline-reason": "Seats are reserved for delegations."})
    assert response.status_code == 200 and "Decline this registration?" in text(response)  # asks first
    assert db.session.get(Registration, person.id).state == "pending"
    response = client.post(url + "/decline", data={"decline-reason": "Seats are reserved for delegations.",
                                                   "decline-confirmed": "yes"})
    assert response.status_code == 302 and response.headers["Location"] == url
    assert "declined; the reason was sent" in text(client.get(url))
    mail.send_due()
    [message] = smtp.to("amina@example.org")
    assert message["Subject"].startswith("Registration declined")
    assert "Seats are reserved for delegations." in message.get_body(preferencelist=("plain",)).get_content()
    db.session.expire_all()
    assert db.session.get(Registration, person.id).state == "declined"
    page = text(client.get(url))
    assert "Awaiting approval → Declined" in page and "Seats are reserved for delegations." in page


def test_approve_promote_and_cancel_through_the_registration_page(client, open_event, organiser, make_registration):
    open_event.registration_policy.in_person_capacity = 1
    db.session.commit()
    organiser(open_event)
    pending = make_registration(open_event, state="pending", email="p@example.org")
    page = text(client.get(desk_url(open_event, f"{pending.id}")))
    assert "Approve" in page and "Move from the waiting list" not in page
    assert client.post(desk_url(open_event, f"{pending.id}/approve")).status_code == 302
    db.session.expire_all()
    assert db.session.get(Registration, pending.id).state == "confirmed"
    waiting = make_registration(open_event, state="waitlisted", email="w@example.org")

    assert "Places left: 0." in text(client.get(desk_url(open_event, f"{waiting.id}")))
    client.post(desk_url(open_event, f"{waiting.id}/promote"), data={})
    db.session.expire_all()
    assert db.session.get(Registration, waiting.id).state == "waitlisted"
    client.post(desk_url(open_event, f"{waiting.id}/promote"), data={"promote-over_capacity": "y"})
    db.session.expire_all()
    assert db.session.get(Registration, waiting.id).state == "confirmed"
    assert outbox("w@example.org")[-1].kind == "promoted"

    client.post(desk_url(open_event, f"{pending.id}/cancel"), data={"cancel-reason": "Asked by phone",
                                                                    "cancel-confirmed": "yes"})
    db.session.expire_all()
    assert db.session.get(Registration, pending.id).state == "cancelled"
    assert outbox("p@example.org")[-1].kind == "cancelled"
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"registration.approve", "registration.promote", "registration.cancel"} <= actions


def test_edit_through_http(client, open_event, organiser, make_registration):
    organiser(open_event)
    person = make_registration(open_event, first_name="Amina", email="amina@example.org")
    url = desk_url(open_event, f"{person.id}/edit")
    form = client.get(url)
    assert form.status_code == 200 and 'value="Amina"' in form.get_data(as_text=True)
    response = client.post(url, data={
        "first_name": "Aminata", "last_name": person.last_name, "email": "amina@example.org", "organisation": "IOM",
        "job_title": "", "stakeholder_group": "un_system", "country": "SN",
    })
    assert response.status_code == 302
    db.session.expire_all()
    person = db.session.get(Registration, person.id)
    assert (person.first_name, person.organisation, person.stakeholder_group, person.country_code) == (
        "Aminata", "IOM", "un_system", "SN")
    assert "Details edited" in text(client.get(desk_url(open_event, f"{person.id}")))


def test_bulk_approve_shows_the_count_then_acts_only_on_the_filtered_selection(client, open_event, organiser,
                                                                              make_registration):
    organiser(open_event)
    chosen = [make_registration(open_event, state="pending", stakeholder_group="academia") for _ in range(3)]
    other = make_registration(open_event, state="pending", stakeholder_group="media")
    page = client.get(desk_url(open_event, "bulk?action=approve&group=academia"))
    assert "3 registrations awaiting approval will be approved." in text(page)
    assert 'name="expected" type="hidden" value="3"' in page.get_data(as_text=True)
    stale = client.post(desk_url(open_event, "bulk?group=academia"), data={"action": "approve", "expected": "2"})
    assert stale.status_code == 200 and "The selection has changed" in text(stale)
    response = client.post(desk_url(open_event, "bulk?group=academia"), data={"action": "approve", "expected": "3"})
    assert response.status_code == 302 and "group=academia" in response.headers["Location"]
    db.session.expire_all()
    assert [db.session.get(Registration, r.id).state for r in chosen] == ["confirmed"] * 3
    assert db.session.get(Registration, other.id).state == "pending"


def test_bulk_decline_needs_a_reason(client, open_event, organiser, make_registration):
    organiser(open_event)
    person = make_registration(open_event, state="pending")
    response = client.post(desk_url(open_event, "bulk"), data={"action": "decline", "expected": "1", "reason": ""})
    assert "Please give the reason for declining." in text(response)
    client.post(desk_url(open_event, "bulk"), data={"action": "decline", "expected": "1", "reason": "Full."})
    db.session.expire_all()
    assert db.session.get(Registration, person.id).state == "declined"


def test_raising_the_capacity_in_the_settings_promotes_in_order(client, open_event, organiser, make_registration):
    organiser(open_event)
    policy = open_event.registration_policy
    policy.in_person_capacity = 1
    db.session.commit()
    make_registration(open_event, state="confirmed")
    now = datetime.now(UTC)
    second = make_registration(open_event, state="waitlisted", waitlisted_at=now - timedelta(minutes=1))
    first = make_registration(open_event, state="waitlisted", waitlisted_at=now - timedelta(minutes=2))
    form = client.get(desk_url(open_event, "settings"))
    assert form.status_code == 200 and 'name="in_person_capacity"' in form.get_data(as_text=True)
    response = client.post(desk_url(open_event, "settings"), data={
        "approval_mode": "open", "in_person_capacity": "2", "contact_email": "registration@example.org",
        "reference_prefix": "TEST",
    })
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "1 person moved from the waiting list" in page
    db.session.expire_all()
    assert (db.session.get(Registration, first.id).state, db.session.get(Registration, second.id).state) == (
        "confirmed", "waitlisted")


def test_session_places_from_the_settings(client, open_event, organiser, make_registration, make_session):
    from eventapp.models import SessionBooking

    organiser(open_event)
    workshop = make_session(open_event, requires_registration=True, capacity=1, title="Workshop")
    a, b = make_registration(open_event), make_registration(open_event)
    a.bookings.append(SessionBooking(session=workshop, state="confirmed"))
    b.bookings.append(SessionBooking(session=workshop, state="waitlisted", waitlisted_at=datetime.now(UTC)))
    db.session.commit()
    refused = client.post(desk_url(open_event, "settings/sessions"), data={f"capacity-{workshop.id}": "x"},
                          follow_redirects=True)
    assert "Nothing was saved: the places of “Workshop” must be a whole number" in text(refused)
    db.session.expire_all()
    assert db.session.get(type(workshop), workshop.id).capacity == 1
    client.post(desk_url(open_event, "settings/sessions"), data={f"capacity-{workshop.id}": "2"})
    db.session.expire_all()
    assert db.session.get(SessionBooking, b.bookings[0].id).state == "confirmed"


def test_the_figures_page_has_a_chart_and_tables(client, open_event, organiser, make_registration):
    organiser(open_event)
    make_registration(open_event, country_code="SN", stakeholder_group="academia")
    make_registration(open_event, state="pending", country_code="SN")
    page = client.get(desk_url(open_event, "figures"))
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "<svg" in body and "<title id=\"day-chart-title\">" in body
    assert "Registrations per day as a table" in body and "<script" not in body.split("<main", 1)[-1]
    visible = text(page)
    assert "Senegal 2" in visible and "Awaiting approval 1" in visible and "Academia 1" in visible


def test_exports_through_http_hold_the_filtered_rows_and_chosen_columns(client, open_event, organiser,
                                                                       make_registration):
    organiser(open_event)
    make_registration(open_event, reference="TEST-AAAAA", organisation="=cmd|' /C calc'!A0", country_code="SN")
    make_registration(open_event, reference="TEST-BBBBB", organisation="Plain", country_code="CH")
    query = "?country=SN&columns=reference&columns=organisation"
    response = client.get(desk_url(open_event, "export.csv") + query)
    assert response.mimetype == "text/csv"
    assert 'filename="' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows == [["Reference", "Organisation"], ["TEST-AAAAA", "'=cmd|' /C calc'!A0"]]
    response = client.get(desk_url(open_event, "export.xlsx") + query)
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [["Reference", "Organisation"],
                                                                     ["TEST-AAAAA", "=cmd|' /C calc'!A0"]]
    assert sheet["B2"].data_type == "s" and sheet["B2"].quotePrefix  # a text cell, never a formula
    assert client.get(desk_url(open_event, "export.pdf")).status_code == 404
    exports = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "registrations.export")).all()
    assert [(e.target, e.details) for e in exports] == [
        ("CSV", {"filter": {"country": "SN"}, "columns": ["reference", "organisation"]}),
        ("XLSX", {"filter": {"country": "SN"}, "columns": ["reference", "organisation"]}),
    ]


def test_an_organiser_of_another_event_sees_nothing(client, open_event, make_event, make_policy, organiser,
                                                    make_registration):
    mine = make_event()
    make_policy(mine)
    theirs = make_registration(open_event, state="pending", last_name="Secretname")
    organiser(mine)
    for path in ("", "figures", "export.csv", f"{theirs.id}", f"{theirs.id}/edit"):
        response = client.get(desk_url(open_event, path))
        assert response.status_code == 404 and "Secretname" not in response.get_data(as_text=True)
    # Their registration through my own event is not found either, and nothing changes.
    assert client.get(desk_url(mine, f"{theirs.id}")).status_code == 404
    assert client.post(desk_url(mine, f"{theirs.id}/approve")).status_code == 404
    assert client.post(desk_url(mine, f"{theirs.id}/decline"), data={"decline-reason": "x"}).status_code == 404
    assert "Secretname" not in client.get(desk_url(mine, "export.csv")).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Registration, theirs.id).state == "pending"


def test_history_reasons_on_the_desk_are_shown_in_the_organisers_language(client, open_event, organiser, make_registration):
    from eventapp.services.registration import capacity

    person = make_registration(open_event)
    capacity.record(person, person.state, reason="Details edited: country, email", actor="organiser")
    db.session.commit()
    organiser(open_event)
    page = text(client.get(desk_url(open_event, f"{person.id}") + "?lang=fr"))
    assert "Informations modifiées: country, email" in page and "Inscription enregistrée" in page


def test_a_registration_whose_data_was_erased_is_listed_as_such(client, open_event, organiser, make_registration):
    from eventapp.services.registration import privacy

    person = make_registration(open_event, first_name="Zed", last_name="Gone", state="cancelled")
    privacy.erase_registrations([person.id], datetime.now(timezone.utc))
    db.session.commit()
    organiser(open_event)
    listing = text(client.get(desk_url(open_event) + "?state=cancelled"))
    assert "(data erased)" in listing and "Zed" not in listing
    assert "(data erased)" in text(client.get(desk_url(open_event, f"{person.id}")))
