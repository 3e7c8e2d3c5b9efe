"""The registrations desk's services: one filter for the list, bulk actions and exports; decisions; figures."""
import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from werkzeug.datastructures import MultiDict

from eventapp.extensions import db
from eventapp.models import AuditEntry, BookingState, Registration, RegistrationChange, SessionBooking
from eventapp.services.desk import search as desk
from eventapp.services.desk import actions as desk_actions
from eventapp.services.desk import export as desk_export
from eventapp.services.desk import figures as desk_figures
from eventapp.services.registration import settings as registration_settings
from eventapp.services.registration.capacity import NoPlaceLeft
from eventapp.services.errors import ValidationFailed
from eventapp.services.desk.spreadsheet import neutralise

from .conftest import insert_registrations, outbox

UTC = timezone.utc
F = desk.DeskFilter


@pytest.fixture
def user(make_user, open_event):
    return make_user(email="maria@example.org", events=[open_event])


def refs(items):
    return [r.reference for r in items]


def test_the_filter_keeps_only_known_values():
    f = F.from_args(MultiDict({"q": "  Amina   Diallo ", "state": "nonsense", "group": "academia", "country": "ch",
                               "mode": "online", "session": "x", "sort": "; drop table"}))
    assert (f.q, f.state, f.group, f.country, f.mode, f.session, f.sort) == (
        "Amina Diallo", "", "academia", "CH", "online", None, desk.DEFAULT_SORT)
    assert F.from_args(MultiDict({"session": "12", "sort": "-name"})).to_args() == {"session": 12, "sort": "-name"}
    assert F().is_empty and not F(country="CH").is_empty


def test_search_matches_name_email_organisation_and_reference_in_any_case(open_event, make_registration):
    a = make_registration(open_event, first_name="Amina", last_name="Diallo", email="amina@ministry.sn",
                          organisation="Ministry of Labour", reference="TEST-AAAAA")
    b = make_registration(open_event, first_name="Li", last_name="Wei", email="li@un.org",
                          organisation="UN Habitat", reference="TEST-BBBBB")
    c = make_registration(open_event, first_name="Carlos", last_name="Pérez", email="cp@100%.org",
                          organisation="Diaspora_Network", reference="TEST-CCCCC")

    def search(q):
        return sorted(refs(desk.page(open_event, F(q=q)).items))

    assert search("amina diallo") == [a.reference]
    assert search("UN.ORG") == [b.reference]
    assert search("ministry") == [a.reference]
    assert search("test-ccc") == [c.reference]
    assert search("100%") == [c.reference] and search("%") == [c.reference]
    assert search("_network") == [c.reference] and search("o_") == []
    assert search("amina wei") == []
    assert len(search("")) == 3


def test_filters_combine_and_the_session_filter_ignores_cancelled_bookings(open_event, make_registration, make_session):
    workshop = make_session(open_event, requires_registration=True, capacity=10)
    a = make_registration(open_event, state="pending", stakeholder_group="academia", country_code="SN")
    b = make_registration(open_event, state="confirmed", stakeholder_group="academia", country_code="SN", mode="online")
    c = make_registration(open_event, state="confirmed", stakeholder_group="media", country_code="CH")
    b.bookings.append(SessionBooking(session=workshop, state=BookingState.CONFIRMED))
    c.bookings.append(SessionBooking(session=workshop, state=BookingState.CANCELLED))
    db.session.commit()

    def found(**kwargs):
        return sorted(refs(desk.page(open_event, F(**kwargs)).items))

    assert found(group="academia") == sorted([a.reference, b.reference])
    assert found(group="academia", state="confirmed") == [b.reference]
    assert found(country="CH") == [c.reference]
    assert found(mode="online") == [b.reference]
    assert found(session=workshop.id) == [b.reference]


def test_sorting_and_pages(open_event, make_registration):
    for name in ("Charlie", "alpha", "Bravo"):
        make_registration(open_event, last_name=name)
    # Names follow the reader's collation: case does not put "alpha" after "Charlie".
    assert [r.last_name for r in desk.page(open_event, F(sort="name")).items] == ["alpha", "Bravo", "Charlie"]
    assert [r.last_name for r in desk.page(open_event, F(sort="-name")).items] == ["Charlie", "Bravo", "alpha"]
    newest_first = desk.page(open_event, F()).items
    assert [r.last_name for r in newest_first] == ["Bravo", "alpha", "Charlie"]
    second = desk.page(open_event, F(sort="name"), 2, per_page=2)
    assert (second.total, second.pages, second.number, [r.last_name for r in second.items]) == (3, 2, 2, ["Charlie"])
    assert desk.page(open_event, F(), 99, per_page=2).number == 2  # past the end: the last page


def test_a_page_costs_the_same_number_of_queries_for_50_or_2500_registrations(open_event, make_event, count_queries):
    other = make_event()
    insert_registrations(open_event, 50)
    insert_registrations(other, 2500, start=100)
    counts = []
    for event in (open_event, other):
        event.id  # loaded before counting: the event itself is not part of the page
        for f in (F(), F(q="last0", state="confirmed", group="academia", sort="name"), F(country="SN", sort="-email")):
            with count_queries() as statements:
                page = desk.page(event, f, 2, per_page=20)
                [r.reference for r in page.items]
            counts.append(len(statements))
    assert len(set(counts)) == 1 and counts[0] <= 2, counts
    assert desk.count(other, F()) == 2500


def test_approve_and_decline_keep_history_mail_and_audit(open_event, make_registration, user):
    pending = make_registration(open_event, state="pending", email="amina@example.org")
    desk_actions.approve(pending, user)
    db.session.commit()
    assert pending.state == "confirmed"
    assert pending.history[-1].actor == "organiser:maria@example.org"
    assert outbox("amina@example.org")[-1].subject.startswith("Registration approved")

    desk_actions.decline(pending, "  The event is for delegations only.  ", user)
    db.session.commit()
    assert pending.state == "declined" and pending.history[-1].reason == "The event is for delegations only."
    declined = outbox("amina@example.org")[-1]
    assert declined.kind == "declined" and "The event is for delegations only." in declined.text_body
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action.startswith("registration"))
                                 .order_by(AuditEntry.id)).all()
    assert actions == ["registration.approve", "registration.decline"]
    with pytest.raises(ValidationFailed):
        desk_actions.decline(make_registration(open_event, state="pending"), " ", user)


def test_declining_a_confirmed_person_promotes_the_first_in_line(open_event, make_registration, user):
    open_event.registration_policy.in_person_capacity = 1
    confirmed = make_registration(open_event, state="confirmed")
    first = make_registration(open_event, state="waitlisted", email="first@example.org")
    second = make_registration(open_event, state="waitlisted")
    desk_actions.cancel(confirmed, "Asked by phone", user)
    db.session.commit()
    assert (confirmed.state, first.state, second.state) == ("cancelled", "confirmed", "waitlisted")
    assert outbox("first@example.org")[-1].kind == "promoted"


def test_moving_from_the_waiting_list_needs_a_place_or_an_explicit_choice(open_event, make_registration, user):
    open_event.registration_policy.in_person_capacity = 1
    make_registration(open_event, state="confirmed")
    waiting = make_registration(open_event, state="waitlisted", email="w@example.org")
    with pytest.raises(NoPlaceLeft):
        desk_actions.move_from_waiting_list(waiting, user)
    db.session.rollback()
    desk_actions.move_from_waiting_list(waiting, user, over_capacity=True)
    db.session.commit()
    assert waiting.state == "confirmed" and waiting.history[-1].reason == "Moved from the waiting list"
    assert outbox("w@example.org")[-1].kind == "promoted"
    assert db.session.scalar(sa.select(AuditEntry.details).where(AuditEntry.action == "registration.promote"))["over_capacity"]


def test_an_organiser_edit_records_what_changed_and_tells_the_old_address(open_event, make_registration, user):
    person = make_registration(open_event, email="old@example.org", organisation="Old org")
    other = make_registration(open_event, email="taken@example.org")
    with pytest.raises(ValidationFailed):
        desk_actions.edit(person, {"email": "TAKEN@example.org"}, user)
    db.session.rollback()
    changed = desk_actions.edit(person, {"organisation": "New org", "email": "new@example.org", "country": "SN"}, user)
    db.session.commit()
    assert changed == ["country", "email", "organisation"]
    assert (person.email, person.email_key, person.country_code) == ("new@example.org", "new@example.org", "SN")
    assert person.history[-1].reason == "Details edited: country, email, organisation"
    assert outbox("old@example.org")[-1].kind == "email_changed"
    assert outbox("new@example.org")[-1].kind == "reminder"
    assert desk_actions.edit(person, {"organisation": "New org"}, user) == []
    assert other.email == "taken@example.org"


def test_bulk_acts_on_exactly_the_filtered_selection(open_event, make_registration, user):
    ch = [make_registration(open_event, state="pending", country_code="CH") for _ in range(3)]
    sn = make_registration(open_event, state="pending", country_code="SN")
    ch_confirmed = make_registration(open_event, state="confirmed", country_code="CH")
    f = F(country="CH")
    plan = desk_actions.plan_bulk(open_event, f, "approve")
    assert (plan.count, plan.skipped) == (3, 1)
    result = desk_actions.run_bulk(open_event, f, "approve", user, expected=3)
    db.session.commit()
    assert result.done == 3 and not result.failed
    assert [r.state for r in ch] == ["confirmed"] * 3 and sn.state == "pending" and ch_confirmed.state == "confirmed"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "registrations.bulk_approve"))
    assert entry.details["filter"] == {"country": "CH"} and entry.details["done"] == 3


def test_bulk_refuses_when_the_selection_changed_or_a_decline_has_no_reason(open_event, make_registration, user):
    make_registration(open_event, state="pending")
    with pytest.raises(desk_actions.SelectionChanged):
        desk_actions.run_bulk(open_event, F(), "approve", user, expected=2)
    with pytest.raises(ValidationFailed):
        desk_actions.run_bulk(open_event, F(), "decline", user, reason="")
    with pytest.raises(ValidationFailed):
        desk_actions.plan_bulk(open_event, F(), "delete")


def test_bulk_decline_sends_each_person_the_reason(open_event, make_registration, user):
    people = [make_registration(open_event, state="pending", stakeholder_group="media", email=f"m{i}@example.org")
              for i in range(2)]
    kept = make_registration(open_event, state="pending", stakeholder_group="academia", email="keep@example.org")
    desk_actions.run_bulk(open_event, F(group="media"), "decline", user, reason="Press accreditation is separate.")
    db.session.commit()
    assert [p.state for p in people] == ["declined", "declined"] and kept.state == "pending"
    for p in people:
        assert "Press accreditation is separate." in outbox(p.email)[-1].text_body
    assert outbox("keep@example.org") == []


def test_raising_the_capacity_promotes_the_waiting_list_in_order(open_event, make_registration, user):
    policy = open_event.registration_policy
    policy.in_person_capacity = 1
    make_registration(open_event, state="confirmed")
    now = datetime.now(UTC)
    third = make_registration(open_event, state="waitlisted", waitlisted_at=now - timedelta(minutes=1))
    first = make_registration(open_event, state="waitlisted", waitlisted_at=now - timedelta(minutes=3))
    second = make_registration(open_event, state="waitlisted", waitlisted_at=now - timedelta(minutes=2))
    promoted = registration_settings.save_policy(open_event, {"in_person_capacity": 3}, user)
    db.session.commit()
    assert promoted == [first, second]
    assert (first.state, second.state, third.state) == ("confirmed", "confirmed", "waitlisted")
    assert db.session.scalar(sa.select(AuditEntry.details).where(AuditEntry.action == "registration.policy")) == {
        "changed": {"in_person_capacity": [1, 3]}, "promoted": [first.reference, second.reference], "created": False}
    with pytest.raises(ValidationFailed):
        registration_settings.save_policy(open_event, {"in_person_capacity": -1}, user)


def test_a_new_policy_is_created_when_the_event_had_none(make_event, user):
    event = make_event()
    registration_settings.save_policy(event, {"approval_mode": "moderated", "in_person_capacity": 20,
                                              "reference_prefix": "IDM30"}, user)
    db.session.commit()
    assert (event.registration_policy.approval_mode, event.registration_policy.in_person_capacity,
            event.registration_policy.reference_prefix) == ("moderated", 20, "IDM30")


def test_raising_a_session_capacity_promotes_its_waiting_list_and_updates_the_draft(open_event, make_registration,
                                                                                     make_session, user):
    from eventapp.models import DraftSession
    from eventapp.services.agenda.working_copy import ensure_working_copy

    workshop = make_session(open_event, requires_registration=True, capacity=1)
    ensure_working_copy(open_event)
    now = datetime.now(UTC)
    people = [make_registration(open_event) for _ in range(3)]
    for n, (person, state) in enumerate(zip(people, ["confirmed", "waitlisted", "waitlisted"])):
        person.bookings.append(SessionBooking(session=workshop, state=state,
                                              waitlisted_at=now - timedelta(minutes=10 - n) if state == "waitlisted" else None))
    db.session.commit()
    promoted = registration_settings.save_session_capacities(open_event, {workshop.id: 2}, user)
    db.session.commit()
    assert [b.registration for b in promoted] == [people[1]]
    assert [p.bookings[0].state for p in people] == ["confirmed", "confirmed", "waitlisted"]
    assert db.session.scalar(sa.select(DraftSession.capacity).where(DraftSession.session_id == workshop.id)) == 2
    with pytest.raises(ValidationFailed):
        registration_settings.save_session_capacities(open_event, {workshop.id + 99: 2}, user)


def test_figures_count_by_state_group_country_mode_session_and_day(open_event, make_registration, make_session):
    workshop = make_session(open_event, requires_registration=True, capacity=5)
    day = datetime(2030, 1, 10, 23, 30, tzinfo=UTC)  # 00:30 on 11 January in Zurich
    a = make_registration(open_event, state="confirmed", country_code="SN", created_at=day)
    make_registration(open_event, state="confirmed", country_code="SN", created_at=day + timedelta(days=2))
    make_registration(open_event, state="waitlisted", stakeholder_group="academia", created_at=day + timedelta(days=2))
    make_registration(open_event, state="declined", country_code="FR", created_at=day + timedelta(days=2))
    a.bookings.append(SessionBooking(session=workshop, state=BookingState.CONFIRMED))
    db.session.commit()
    figures = desk_figures.figures(open_event)
    assert figures.total == 4
    assert figures.by_state == {"pending": 0, "confirmed": 2, "waitlisted": 1, "declined": 1, "cancelled": 0}
    assert figures.by_country == [("SN", 2), ("CH", 1)]  # active registrations only
    assert figures.by_group == [("civil_society", 2), ("academia", 1)]
    assert figures.by_mode == {"in_person": 3}
    assert (figures.confirmed_by_mode, figures.waitlisted_by_mode) == ({"in_person": 2, "online": 0}, {"in_person": 1, "online": 0})
    assert figures.places_left == {"in_person": 8}
    [places] = figures.sessions
    assert (places.capacity, places.confirmed, places.waitlisted, places.left) == (5, 1, 0, 4)
    assert [(d.isoformat(), n) for d, n in figures.per_day] == [("2030-01-11", 1), ("2030-01-12", 0), ("2030-01-13", 3)]
    svg = str(desk_figures.day_chart(figures.per_day))
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    assert svg.count("<rect") == 3
    assert desk_figures.day_chart([]) == ""


def test_the_same_number_of_figure_queries_whatever_the_size(open_event, make_event, count_queries):
    other = make_event()
    other_policy_event = other
    from eventapp.models import RegistrationPolicy

    db.session.add(RegistrationPolicy(event=other_policy_event, in_person_capacity=5000))
    db.session.commit()
    insert_registrations(open_event, 20)
    insert_registrations(other, 1500, start=100)
    counts = []
    for event in (open_event, other):
        db.session.expire_all()
        with count_queries() as statements:
            desk_figures.figures(event)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def read_csv(text):
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_exports_contain_exactly_the_filtered_rows_and_chosen_columns_neutralised(open_event, make_registration):
    make_registration(open_event, first_name="=HYPERLINK(\"http://x\")", last_name="Evil", organisation="+1 Org",
                      country_code="SN", reference="TEST-EEEEE")
    make_registration(open_event, first_name="@SUM(A1)", last_name="Other", organisation="-Minus", country_code="SN",
                      reference="TEST-FFFFF", state="pending")
    make_registration(open_event, first_name="Hidden", country_code="CH", reference="TEST-HHHHH")
    f = F(country="SN", sort="reference")
    columns = ["organisation", "first_name", "reference", "nonsense"]
    rows = read_csv(desk_export.to_csv(open_event, f, columns))
    assert rows == [
        ["Reference", "First name", "Organisation"],
        ["TEST-EEEEE", "'=HYPERLINK(\"http://x\")", "'+1 Org"],
        ["TEST-FFFFF", "'@SUM(A1)", "'-Minus"],
    ]
    book = load_workbook(io.BytesIO(desk_export.to_xlsx(open_event, f, columns)))
    sheet = book.active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    # Excel holds them as text cells (quote-prefixed), so no quote shows and nothing runs.
    assert values == [[value.removeprefix("'") for value in row] for row in rows]
    assert all(cell.data_type == "s" for row in sheet.iter_rows() for cell in row)
    assert sheet["C2"].quotePrefix and not sheet["A2"].quotePrefix
    only_pending = read_csv(desk_export.to_csv(open_event, F(country="SN", state="pending"), ["reference", "state"]))
    assert only_pending == [["Reference", "State"], ["TEST-FFFFF", "Awaiting approval"]]


def test_the_default_columns_and_the_sessions_column(open_event, make_registration, make_session):
    workshop = make_session(open_event, title="Skills workshop", requires_registration=True)
    person = make_registration(open_event, reference="TEST-SSSSS")
    person.bookings.append(SessionBooking(session=workshop, state=BookingState.WAITLISTED))
    db.session.commit()
    header = read_csv(desk_export.to_csv(open_event, F(), []))[0]
    assert header == [str(desk_export.COLUMNS[k]) for k in desk_export.DEFAULT_COLUMNS]
    rows = read_csv(desk_export.to_csv(open_event, F(), ["reference", "sessions"]))
    assert rows[1] == ["TEST-SSSSS", "Skills workshop (waiting list)"]


def test_one_neutralising_function_for_every_spreadsheet():
    from eventapp.services.agenda import io as agenda_io
    from eventapp.services.awards import export as awards_export

    assert awards_export.neutralise is neutralise and agenda_io.neutralise is neutralise
    assert [neutralise(v) for v in ("=1+1", "+1", "-1", "@x", "\tx", "ok", None, 3)] == [
        "'=1+1", "'+1", "'-1", "'@x", "'\tx", "ok", "", "3"]


def test_a_registration_of_another_event_is_not_found(open_event, make_event, make_registration):
    from werkzeug.exceptions import NotFound

    theirs = make_registration(make_event())
    with pytest.raises(NotFound):
        desk.registration_or_404(open_event, theirs.id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RegistrationChange)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 1
