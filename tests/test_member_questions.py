"""The event's own questions asked of each delegation member and of walk-ins, and a member's data download."""
import csv
import io
import json
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from eventapp.extensions import db
from eventapp.models import Registration, RegistrationAnswer
from eventapp.services.registration import delegations, walk_ins
from eventapp.services.registration.member_answers import MemberAnswersInvalid

from .conftest import manage_path, text
from .test_delegations import accept_delegations, delegation_form, delegation_link, members_by_name
from .test_registration_questions import add_questions, choice

UTC = timezone.utc
THREE = [("Ana", "Zambrano", "ana@mission-ec.org"), ("Bruno", "Vera", ""), ("Carla", "Ortiz", "carla@mission-ec.org")]


def stored():
    """{(first name, question id): stored value or chosen choice labels}."""
    db.session.expire_all()
    return {(a.registration.first_name, a.question_id): a.value or "; ".join(c.label for c in a.choices)
            for a in db.session.scalars(sa.select(RegistrationAnswer))}


def count(model):
    return db.session.scalar(sa.select(sa.func.count(model.id)))


@pytest.fixture
def visa_and_lunch(client, open_event, organiser):
    """The open event takes delegations and asks a required yes/no and a required choice; organiser signed out."""
    accept_delegations(capacity=10)
    organiser(open_event)
    questions = add_questions(client, open_event, [
        dict(kind="yes_no", label="Will you need a visa support letter?", is_required="y", asked_of="both"),
        dict(kind="single_choice", label="Lunch", is_required="y", widget="radio", choices="Meat\nFish\nVegan",
             asked_of="both"),
    ])
    client.post("/manage/logout")
    return questions


def test_a_member_missing_a_required_answer_is_shown_at_the_field_and_nothing_is_registered(
        client, open_event, organiser, visa_and_lunch):
    visa, lunch = visa_and_lunch
    fish = str(choice(lunch, "Fish").id)
    form = client.get(f"/events/{open_event.slug}/register/delegation")
    assert text(form).count("Will you need a visa support letter?") == 5  # one per member row
    answers = {"members-0-q%d" % visa.id: "yes", "members-0-q%d" % lunch.id: fish,
               "members-1-q%d" % visa.id: "no",  # Bruno's lunch is missing
               "members-2-q%d" % visa.id: "no", "members-2-q%d" % lunch.id: fish}
    response = client.post(f"/events/{open_event.slug}/register/delegation", data=delegation_form(THREE, **answers))
    page = text(response)
    assert response.status_code == 200 and "Please check the form" in page
    assert "Lunch: Please choose an answer." in page
    body = response.get_data(as_text=True)
    assert f'href="#members-1-q{lunch.id}"' in body and f'id="members-1-q{lunch.id}-error"' in body
    assert f'id="members-0-q{lunch.id}-error"' not in body
    assert f'checked id="members-0-q{lunch.id}-1"' in body  # what was chosen is kept
    assert count(Registration) == 0 and stored() == {}

    answers["members-1-q%d" % lunch.id] = str(choice(lunch, "Vegan").id)
    response = client.post(f"/events/{open_event.slug}/register/delegation", follow_redirects=True,
                           data=delegation_form(THREE, **answers))
    assert "3 members have a confirmed place." in text(response)
    assert stored() == {("Ana", visa.id): "yes", ("Ana", lunch.id): "Fish", ("Bruno", visa.id): "no",
                        ("Bruno", lunch.id): "Vegan", ("Carla", visa.id): "no", ("Carla", lunch.id): "Fish"}

    # The desk, its export and the member's own page show the answers.
    organiser(open_event)
    bruno = members_by_name()["Bruno"]
    assert "Lunch Vegan" in text(client.get(f"/manage/events/{open_event.id}/registrations/{bruno.id}"))
    exported = client.get(f"/manage/events/{open_event.id}/registrations/export.csv").get_data(as_text=True)
    rows = {r["Last name"]: r for r in csv.DictReader(io.StringIO(exported.lstrip("\ufeff")))}
    assert rows["Vera"]["Lunch"] == "Vegan" and rows["Ortiz"]["Will you need a visa support letter?"] == "No"
    own = text(client.get(manage_path("ana@mission-ec.org")))
    assert "Fish" in own


def test_online_only_questions_are_asked_of_online_members_only(client, make_event, make_policy, organiser):
    event = make_event(starts_at=datetime.now(UTC) + timedelta(days=30))
    make_policy(event, is_hybrid=True, online_capacity=None, accepts_delegations=True)
    organiser(event)
    visa, zone = add_questions(client, event, [
        dict(kind="yes_no", label="Visa letter?", is_required="y", asked_of="in_person"),
        dict(kind="short_text", label="Time zone you follow from", is_required="y", asked_of="online"),
    ])
    client.post("/manage/logout")
    page = text(client.get(f"/events/{event.slug}/register/delegation"))
    assert "Only for participants online." in page and "Only for participants in person." in page
    members = THREE[:2]
    data = delegation_form(members, **{"members-0-mode": "online", "members-1-mode": "in_person",
                                       f"members-0-q{zone.id}": "UTC-5", f"members-0-q{visa.id}": "",
                                       f"members-1-q{zone.id}": ""})
    refused = client.post(f"/events/{event.slug}/register/delegation", data=data).get_data(as_text=True)
    assert f'id="members-1-q{visa.id}-error"' in refused  # the in-person member's visa question
    assert f'id="members-0-q{visa.id}-error"' not in refused and f'id="members-1-q{zone.id}-error"' not in refused
    assert count(Registration) == 0
    data[f"members-1-q{visa.id}"] = "yes"
    data[f"members-0-q{visa.id}"] = "no"  # typed, but not asked of an online member: not stored
    response = client.post(f"/events/{event.slug}/register/delegation", data=data, follow_redirects=True)
    assert "2 members have a confirmed place." in text(response)
    assert stored() == {("Ana", zone.id): "UTC-5", ("Bruno", visa.id): "yes"}

    # Replacing the online member asks the online question only, and keeps the member online.
    link = delegation_link()
    ana = members_by_name()["Ana"]
    replace = client.get(f"{link}/members/{ana.id}/replace")
    assert "Time zone you follow from" in text(replace) and "Visa letter?" not in text(replace)
    refused = client.post(f"{link}/members/{ana.id}/replace", data={
        "replace-member-first_name": "Félix", "replace-member-last_name": "Andrade"})
    assert "Time zone you follow from: Please answer this question." in text(refused)
    assert members_by_name()["Ana"].state == "confirmed" and "Félix" not in members_by_name()
    response = client.post(f"{link}/members/{ana.id}/replace", follow_redirects=True, data={
        "replace-member-first_name": "Félix", "replace-member-last_name": "Andrade",
        f"replace-member-q{zone.id}": "UTC-3"})
    assert "Félix Andrade takes the place of Ana Zambrano." in text(response)
    felix = members_by_name()["Félix"]
    assert felix.mode == "online" and stored()[("Félix", zone.id)] == "UTC-3"


def test_adding_a_member_asks_the_questions_and_takes_no_place_when_an_answer_is_missing(
        client, open_event, visa_and_lunch):
    visa, lunch = visa_and_lunch
    accept_delegations(capacity=2)
    answers = {f"members-{i}-q{visa.id}": "no" for i in range(2)}
    answers.update({f"members-{i}-q{lunch.id}": str(choice(lunch, "Meat").id) for i in range(2)})
    client.post(f"/events/{open_event.slug}/register/delegation", data=delegation_form(THREE[:2], **answers))
    link = delegation_link()
    page = text(client.get(link))
    assert "Add a member" in page and "Will you need a visa support letter?" in page
    response = client.post(f"{link}/members", data={"add-member-first_name": "Gina", "add-member-last_name": "Rey",
                                                    f"add-member-q{visa.id}": "yes"})
    assert response.status_code == 400
    assert "Lunch: Please choose an answer." in text(response)
    assert "Gina" not in members_by_name()
    response = client.post(f"{link}/members", follow_redirects=True, data={
        "add-member-first_name": "Gina", "add-member-last_name": "Rey", f"add-member-q{visa.id}": "yes",
        f"add-member-q{lunch.id}": str(choice(lunch, "Vegan").id)})
    assert "Gina Rey is on the waiting list, number 1." in text(response)
    assert stored()[("Gina", lunch.id)] == "Vegan"


def test_the_service_refuses_a_members_wrong_answer_and_the_place_goes_with_the_rollback(open_event, client,
                                                                                        visa_and_lunch):
    visa, lunch = visa_and_lunch
    data = {"name": "Mission of Chile", "stakeholder_group": "member_state", "country": "CL",
            "focal_first_name": "Rosa", "focal_last_name": "Salazar", "focal_email": "focal@mission-cl.org"}
    good = {visa.id: "yes", lunch.id: str(choice(lunch, "Fish").id)}
    with pytest.raises(MemberAnswersInvalid) as refused:
        delegations.register_delegation(open_event, data, [
            {"first_name": "A", "last_name": "One", "answers": good},
            {"first_name": "B", "last_name": "Two", "answers": {visa.id: "maybe", lunch.id: "999999"}}])
    assert refused.value.index == 1
    assert refused.value.field_errors() == {f"members-1-q{visa.id}": "Please answer yes or no.",
                                            f"members-1-q{lunch.id}": "Please choose among the answers listed."}
    db.session.rollback()
    assert count(Registration) == 0 and stored() == {}
    outcome = delegations.register_delegation(open_event, data, [{"first_name": "A", "last_name": "One",
                                                                  "answers": good}])
    db.session.commit()
    assert len(outcome.confirmed) == 1 and len(stored()) == 2


def test_a_walk_in_from_the_desk_and_from_check_in_saves_answers_and_may_leave_required_ones_empty(
        client, open_event, organiser, visa_and_lunch):
    visa, lunch = visa_and_lunch
    organiser(open_event)
    url = f"/manage/events/{open_event.id}/registrations/new"
    page = text(client.get(url))
    assert "Will you need a visa support letter? (optional)" not in page  # radios: a legend, no "(optional)"
    assert "Required on the public form; you may leave it empty here." in page
    assert "Required questions may be left empty here" in page
    walk_in = dict(first_name="Kofi", last_name="Mensah", organisation="Ghana Immigration Service",
                   stakeholder_group="member_state", country="GH", state="auto", locale="en")
    refused = client.post(url, data=dict(walk_in, **{f"q{visa.id}": "perhaps"}))
    assert "Please answer yes or no." in text(refused) and "Please check the answers to the questions." in text(refused)
    assert count(Registration) == 0
    response = client.post(url, follow_redirects=True, data=dict(walk_in, **{f"q{visa.id}": "yes"}))
    assert "added for Kofi Mensah" in text(response)
    assert "Will you need a visa support letter? Yes" in text(response)
    assert stored() == {("Kofi", visa.id): "yes"}  # lunch left empty: the organiser did not know

    checkin = f"/manage/events/{open_event.id}/checkin/walk-in"
    assert "Lunch" in text(client.get(checkin))
    response = client.post(checkin, follow_redirects=True, data={
        "first_name": "Nadia", "last_name": "Rahman", "stakeholder_group": "civil_society", "country": "BD",
        "check_in_now": "y", f"q{lunch.id}": str(choice(lunch, "Vegan").id)})
    assert "Nadia Rahman is registered" in text(response)
    assert stored()[("Nadia", lunch.id)] == "Vegan"
    nadia = db.session.scalar(sa.select(Registration).where(Registration.last_name == "Rahman"))
    assert nadia.checked_in_at is not None


def test_the_walk_in_service_checks_what_is_given_but_not_what_is_required(open_event, make_user, visa_and_lunch):
    visa, lunch = visa_and_lunch
    user = make_user(role="admin")
    details = dict(first_name="Lina", last_name="Haddad", stakeholder_group="civil_society", country="LB")
    with pytest.raises(walk_ins.answer_rules.AnswersInvalid):
        walk_ins.add_registration(open_event, details, user, answers={lunch.id: "999999"})
    db.session.rollback()
    assert count(Registration) == 0
    registration = walk_ins.add_registration(open_event, details, user, answers={})
    db.session.commit()
    assert registration.state == "confirmed" and stored() == {}


def test_a_members_data_download_names_the_delegation_and_the_focal_points_address_only_if_their_own(
        client, open_event, visa_and_lunch):
    visa, lunch = visa_and_lunch
    members = [("Rosa", "Salazar", "FOCAL@mission-ec.org"), ("Ana", "Zambrano", "ana@mission-ec.org")]
    answers = {f"members-{i}-q{visa.id}": "no" for i in range(2)}
    answers.update({f"members-{i}-q{lunch.id}": str(choice(lunch, "Meat").id) for i in range(2)})
    client.post(f"/events/{open_event.slug}/register/delegation", data=delegation_form(members, **answers))
    ana = json.loads(client.get(manage_path("ana@mission-ec.org") + "/data.json").get_data(as_text=True))
    assert ana["delegation"] == {"name": "Permanent Mission of Ecuador", "stakeholder_group": "member_state",
                                 "country_code": "EC", "focal_point": {"name": "Rosa Salazar"}}
    assert "focal@mission-ec.org" not in json.dumps(ana).lower()
    assert {a["question"] for a in ana["answers"]} == {"Will you need a visa support letter?", "Lunch"}
    # The focal point listed as a member: their own address is theirs to see.
    rosa = json.loads(client.get(manage_path("FOCAL@mission-ec.org") + "/data.json").get_data(as_text=True))
    assert rosa["delegation"]["focal_point"] == {"name": "Rosa Salazar", "email": "focal@mission-ec.org",
                                                 "is_you": True}
    alone = client.post(f"/events/{open_event.slug}/register", data={
        "first_name": "Sol", "last_name": "Paz", "email": "sol@example.org", "stakeholder_group": "academia",
        "country": "AR", "privacy_consent": "y", f"q{visa.id}": "no", f"q{lunch.id}": str(choice(lunch, "Meat").id)})
    assert alone.status_code == 302
    assert json.loads(client.get(manage_path("sol@example.org") + "/data.json").data)["delegation"] is None


def test_the_questions_are_loaded_once_whatever_the_number_of_members(client, open_event, visa_and_lunch,
                                                                      count_queries):
    visa, lunch = visa_and_lunch
    loads = []
    for n, members in enumerate((THREE[:1], THREE)):
        members = [(first, last, email.replace("@", f"{n}@")) for first, last, email in members]
        answers = {f"members-{i}-q{visa.id}": "no" for i in range(len(members))}
        answers.update({f"members-{i}-q{lunch.id}": str(choice(lunch, "Meat").id) for i in range(len(members))})
        with count_queries() as statements:
            response = client.post(f"/events/{open_event.slug}/register/delegation",
                                   data=delegation_form(members, focal_email=f"focal{n}@mission-ec.org", **answers))
        assert response.status_code == 302
        loads.append(sum("FROM registration_questions" in s for s in statements))
    assert loads[0] == loads[1] == 2, loads  # the form's and the service's, not one per member
