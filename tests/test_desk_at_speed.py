"""The desk at speed: ticked or filtered bulk actions first come first served, confirmation steps,
chosen columns, names in the reader's collation, typed Excel cells."""
import io
from datetime import datetime, timedelta, timezone

from openpyxl import load_workbook

from eventapp.collation import fold, sort_key
from eventapp.extensions import db
from eventapp.models import Registration
from eventapp.services.desk import actions, export as desk_export
from eventapp.services.desk import search as desk
from eventapp.services.desk.search import DeskFilter as F
from eventapp.services.registration import capacity

from .conftest import outbox, text

UTC = timezone.utc


def desk_url(event, path=""):
    return f"/manage/events/{event.id}/registrations/{path}"


def nine_pending_for_five_places(event, make_registration):
    """Nine people awaiting approval; the earliest registered were written last (highest ids)."""
    event.registration_policy.in_person_capacity = 5
    event.registration_policy.approval_mode = "moderated"
    db.session.commit()
    start = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    people = {}
    for minute in reversed(range(9)):
        people[minute] = make_registration(event, state="pending", last_name=f"Person{minute}",
                                           email=f"p{minute}@example.org", created_at=start + timedelta(minutes=minute))
    return [people[minute] for minute in range(9)]  # in the order they registered


def states(people):
    db.session.expire_all()
    return [db.session.get(Registration, p.id).state for p in people]


def test_bulk_approval_of_nine_for_five_places_confirms_the_five_who_registered_first(open_event, make_registration,
                                                                                    make_user):
    people = nine_pending_for_five_places(open_event, make_registration)
    plan = actions.plan_bulk(open_event, F(), actions.APPROVE)
    assert plan.eligible == [p.id for p in people]  # first come, first served, whatever the list's sort
    assert (plan.places, plan.confirmed, plan.waitlisted) == (5, [p.id for p in people[:5]], [p.id for p in people[5:]])
    result = actions.run_bulk(open_event, F(), actions.APPROVE, make_user(), expected=9)
    db.session.commit()
    assert (result.done, result.confirmed, result.waitlisted) == (9, 5, 4)
    assert states(people) == ["confirmed"] * 5 + ["waitlisted"] * 4
    # The four wait in the order they registered.
    assert [capacity.waitlist_position(db.session.get(Registration, p.id)) for p in people[5:]] == [1, 2, 3, 4]


def test_bulk_approval_of_nine_for_five_places_through_http(client, open_event, organiser, make_registration):
    people = nine_pending_for_five_places(open_event, make_registration)
    organiser(open_event)
    page = client.get(desk_url(open_event, "bulk?action=approve&state=pending"))
    body = text(page)
    assert ("5 places for 9: the 5 who registered first are confirmed, 4 stay on the waiting list in their order."
            in body)
    # The confirmation lists who is affected, earliest first, with what happens to each.
    listed = body.split("Who, first come first served", 1)[1]
    positions = [listed.index(p.reference) for p in people]
    assert positions == sorted(positions)
    assert listed.count("gets a place") == 5 and listed.count("waiting list") >= 4
    response = client.post(desk_url(open_event, "bulk?state=pending"), data={"action": "approve", "expected": "9"},
                           follow_redirects=True)
    assert "9 registrations approved." in text(response)
    assert "4 people are on the waiting list, in the order they registered." in text(response)
    assert states(people) == ["confirmed"] * 5 + ["waitlisted"] * 4
    assert outbox("p0@example.org")[-1].kind == "approved"


def test_ticked_rows_are_the_selection_of_a_bulk_action(client, open_event, organiser, make_registration):
    organiser(open_event)
    people = [make_registration(open_event, state="pending") for _ in range(4)]
    listing = client.get(desk_url(open_event))
    html = listing.get_data(as_text=True)
    assert f'name="ids" value="{people[0].id}"' in html and 'name="scope" value="ticked"' in html
    assert "Act on all 4 matching the filters" in text(listing)
    ticked = [people[1].id, people[3].id]
    query = "&".join(f"ids={i}" for i in ticked)
    page = client.get(desk_url(open_event, f"bulk?scope=ticked&action=approve&{query}"))
    body = text(page)
    assert "You ticked 2 registrations." in body
    assert "2 registrations awaiting approval will be approved." in body
    assert people[1].reference in body and people[0].reference not in body
    response = client.post(desk_url(open_event, f"bulk?{query}"), data={"action": "approve", "expected": "2"})
    assert response.status_code == 302 and "ids=" not in response.headers["Location"]
    assert states(people) == ["pending", "confirmed", "pending", "confirmed"]
    nothing = client.get(desk_url(open_event, "bulk?scope=ticked&action=approve"), follow_redirects=True)
    assert "Tick at least one registration" in text(nothing)


def test_bulk_promotion_goes_in_the_waiting_lists_order(open_event, make_registration, make_user):
    open_event.registration_policy.in_person_capacity = 3
    db.session.commit()
    for _ in range(2):
        make_registration(open_event, state="confirmed")
    now = datetime.now(UTC)
    waiting = [make_registration(open_event, state="waitlisted", waitlisted_at=now + timedelta(seconds=s))
               for s in (30, 10, 20)]  # queue: waiting[1], waiting[2], waiting[0]
    plan = actions.plan_bulk(open_event, F(state="waitlisted"), actions.PROMOTE)
    assert plan.eligible == [waiting[1].id, waiting[2].id, waiting[0].id]
    assert plan.confirmed == [waiting[1].id] and plan.runs_out
    result = actions.run_bulk(open_event, F(state="waitlisted"), actions.PROMOTE, make_user(), expected=3)
    db.session.commit()
    assert (result.confirmed, result.waitlisted) == (1, 2)
    assert states(waiting) == ["waitlisted", "confirmed", "waitlisted"]
    result = actions.run_bulk(open_event, F(state="waitlisted"), actions.PROMOTE, make_user(), over_capacity=True)
    db.session.commit()
    assert states(waiting) == ["confirmed"] * 3


def test_cancelling_and_declining_from_the_desk_ask_first(client, open_event, organiser, make_registration):
    organiser(open_event)
    person = make_registration(open_event, state="confirmed", first_name="Amina", last_name="Diallo")
    url = desk_url(open_event, f"{person.id}")
    asked = client.post(url + "/cancel", data={"cancel-reason": "Asked by phone"})
    body = text(asked)
    assert asked.status_code == 200 and "Cancel this registration?" in body
    assert "Amina Diallo" in body and "Their place goes to the first person on the waiting list." in body
    assert "Asked by phone" in body and 'name="cancel-confirmed" type="hidden" value="yes"' in asked.get_data(as_text=True)
    assert states([person]) == ["confirmed"]
    done = client.post(url + "/cancel", data={"cancel-reason": "Asked by phone", "cancel-confirmed": "yes"},
                       follow_redirects=True)
    assert f"Registration {person.reference} cancelled." in text(done)
    assert states([person]) == ["cancelled"]

    other = make_registration(open_event, state="pending")
    url = desk_url(open_event, f"{other.id}")
    asked = client.post(url + "/decline", data={"decline-reason": "Full"})
    assert "Decline this registration?" in text(asked) and states([other]) == ["pending"]
    assert "No, keep it as it is" in text(asked)
    client.post(url + "/decline", data={"decline-reason": "Full", "decline-confirmed": "yes"})
    assert states([other]) == ["declined"]


def test_the_table_shows_few_columns_by_default_and_remembers_the_organisers_choice(client, open_event, organiser,
                                                                                   make_registration):
    organiser(open_event)
    make_registration(open_event, email="amina@example.org")
    html = client.get(desk_url(open_event)).get_data(as_text=True)
    table = html.split('<table class="data desk-table" tabindex="0">', 1)[1].split("</thead>", 1)[0]
    assert "State" in table and "Registered" in table and "E-mail address" not in table
    client.get(desk_url(open_event) + "?choose_columns=1&show=email&show=country")
    table = client.get(desk_url(open_event)).get_data(as_text=True).split('<table class="data desk-table" tabindex="0">', 1)[1]
    head = table.split("</thead>", 1)[0]
    assert "E-mail address" in head and "Country" in head and "State" in head  # State cannot be hidden
    assert "Organisation" not in head and "amina@example.org" in table


def test_names_sort_and_search_in_the_readers_collation(client, open_event, organiser, make_registration):
    for last in ("Petrov", "Pérez", "Peña", "Penn", "Ávila", "Zuñiga", "Olsen"):
        make_registration(open_event, last_name=last, first_name="A")
    ascending = [r.last_name for r in desk.page(open_event, F(sort="name")).items]
    assert ascending == ["Ávila", "Olsen", "Peña", "Penn", "Pérez", "Petrov", "Zuñiga"]
    descending = [r.last_name for r in desk.page(open_event, F(sort="-name")).items]
    assert descending.index("Petrov") < descending.index("Pérez")  # accents sort with their letter
    spanish = [r.last_name for r in desk.page(open_event, F(sort="name"), language="es").items]
    assert spanish.index("Penn") < spanish.index("Peña") < spanish.index("Pérez")  # ñ is a letter after n
    assert sort_key("pérez") > sort_key("perez") and fold("MÜLLER Pérez") == "muller perez"
    # Search ignores accents and case, both ways.
    assert [r.last_name for r in desk.page(open_event, F(q="perez")).items] == ["Pérez"]
    assert [r.last_name for r in desk.page(open_event, F(q="ÁVILA")).items] == ["Ávila"]
    organiser(open_event)
    body = text(client.get(desk_url(open_event) + "?sort=name&lang=fr"))
    assert body.index("Ávila") < body.index("Olsen") < body.index("Pérez") < body.index("Petrov")


def test_excel_has_dates_as_dates_and_text_as_text_cells(client, open_event, organiser, make_registration):
    registered = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
    make_registration(open_event, reference="TEST-XL001", organisation="=1+2", created_at=registered)
    book = load_workbook(io.BytesIO(desk_export.to_xlsx(open_event, F(), ["reference", "organisation",
                                                                          "registered_at"])))
    sheet = book.active
    assert [c.value for c in sheet[1]] == ["Reference", "Organisation", "Registered"]
    reference, organisation, when = sheet[2]
    assert (reference.value, reference.data_type) == ("TEST-XL001", "s")
    assert (organisation.value, organisation.data_type, organisation.quotePrefix) == ("=1+2", "s", True)
    assert when.is_date and isinstance(when.value, datetime)
    local = registered.astimezone(__import__("zoneinfo").ZoneInfo(open_event.timezone)).replace(tzinfo=None)
    assert when.value == local and when.number_format == "yyyy-mm-dd hh:mm"
    # Numbers stay numbers (no column of the desk holds one today, but the writer keeps the type).
    from openpyxl import Workbook
    from eventapp.services.desk.spreadsheet import typed_cell
    scratch = Workbook(write_only=True).create_sheet()
    assert typed_cell(scratch, 42).data_type == "n" and typed_cell(scratch, 2.5).value == 2.5
    assert typed_cell(scratch, "42").data_type == "s"
    # CSV has no cell types: it keeps the visible guard and a written date.
    csv_text = desk_export.to_csv(open_event, F(), ["organisation", "registered_at"])
    assert "'=1+2" in csv_text and local.strftime("%Y-%m-%d %H:%M") in csv_text


def test_the_search_text_follows_edits_and_keeps_no_name_after_erasure(open_event, make_registration):
    from eventapp.services.registration import privacy

    person = make_registration(open_event, first_name="Łukasz", last_name="Wróbel", organisation="Fundación Ñandú")
    assert person.search_text.startswith("lukasz wrobel ") and "fundacion nandu" in person.search_text
    assert [r.id for r in desk.page(open_event, F(q="wrobel nandu")).items] == [person.id]
    person.last_name = "Nowak"
    db.session.commit()
    assert [r.id for r in desk.page(open_event, F(q="nowak")).items] == [person.id]
    assert desk.page(open_event, F(q="wrobel")).items == []
    privacy.delete_registration(person)
    db.session.commit()
    db.session.expire_all()
    erased = db.session.get(Registration, person.id)
    assert erased.search_text == person.reference.lower()
    assert desk.page(open_event, F(q="lukasz")).items == []


def test_one_by_one_a_free_place_goes_to_the_first_in_line_and_approval_shows_who_came_first(
        client, open_event, organiser, make_registration):
    open_event.registration_policy.in_person_capacity = 2
    db.session.commit()
    make_registration(open_event, state="confirmed")
    now = datetime.now(UTC)
    first = make_registration(open_event, state="waitlisted", waitlisted_at=now)
    second = make_registration(open_event, state="waitlisted", waitlisted_at=now + timedelta(seconds=5))
    organiser(open_event)
    refused = client.post(desk_url(open_event, f"{second.id}/promote"), data={}, follow_redirects=True)
    assert "1 person is ahead on the waiting list: a free place goes to the first in line." in text(refused)
    assert states([first, second]) == ["waitlisted", "waitlisted"]
    client.post(desk_url(open_event, f"{first.id}/promote"), data={})
    assert states([first, second]) == ["confirmed", "waitlisted"]
    client.post(desk_url(open_event, f"{second.id}/promote"), data={"promote-over_capacity": "y"})
    assert states([first, second]) == ["confirmed", "confirmed"]  # the organiser's deliberate choice

    early = make_registration(open_event, state="pending", created_at=now - timedelta(days=2))
    late = make_registration(open_event, state="pending", created_at=now - timedelta(days=1))
    page = text(client.get(desk_url(open_event, f"{late.id}")))
    assert "1 registration awaiting approval was made before this one" in page
    assert "was made before this one" not in text(client.get(desk_url(open_event, f"{early.id}")))


def test_the_bulk_warning_and_the_confirmation_read_in_french_and_spanish(client, open_event, organiser,
                                                                         make_registration):
    nine_pending_for_five_places(open_event, make_registration)
    organiser(open_event)
    french = text(client.get(desk_url(open_event, "bulk?action=approve&lang=fr")))
    assert ("5 places pour 9 : les 5 premiers inscrits sont confirmés, 4 restent sur la liste d'attente dans leur "
            "ordre.") in french
    spanish = text(client.get(desk_url(open_event, "bulk?action=approve&lang=es")))
    assert "5 plazas para 9: se confirma a las 5 personas que se inscribieron primero" in spanish
    person = make_registration(open_event, state="confirmed")
    asked = text(client.post(desk_url(open_event, f"{person.id}/cancel"), data={"cancel-reason": ""}))
    assert "¿Cancelar esta inscripción?" in asked and f"Sí, cancelar {person.reference}" in asked


def test_a_hybrid_event_gives_places_mode_by_mode_in_registration_order(open_event, make_registration, make_user):
    policy = open_event.registration_policy
    policy.is_hybrid, policy.in_person_capacity, policy.online_capacity = True, 1, 1
    db.session.commit()
    start = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    online_late = make_registration(open_event, state="pending", mode="online", created_at=start + timedelta(hours=3))
    room_late = make_registration(open_event, state="pending", created_at=start + timedelta(hours=2))
    online_early = make_registration(open_event, state="pending", mode="online", created_at=start + timedelta(hours=1))
    room_early = make_registration(open_event, state="pending", created_at=start)
    plan = actions.plan_bulk(open_event, F(), actions.APPROVE)
    assert plan.places == 2 and set(plan.confirmed) == {room_early.id, online_early.id}
    actions.run_bulk(open_event, F(), actions.APPROVE, make_user(), expected=4)
    db.session.commit()
    assert states([room_early, online_early, room_late, online_late]) == ["confirmed", "confirmed",
                                                                          "waitlisted", "waitlisted"]
