"""Delegations: a focal point registers a group; places per person, in order; the delegation's own page."""
import re

import sqlalchemy as sa

from eventapp.extensions import db
from eventapp.models import Delegation, Registration, RegistrationPolicy
from eventapp.services.registration import delegations, register as registrations

from .conftest import manage_path, outbox, register_data, text

MEMBERS = [("Ana", "Zambrano", "ana@mission-ec.org"), ("Bruno", "Vera", ""), ("Carla", "Ortiz", "carla@mission-ec.org"),
           ("Diego", "Paredes", "diego@mission-ec.org"), ("Elena", "Mora", "")]


def delegation_form(members=MEMBERS, **changes):
    data = {"name": "Permanent Mission of Ecuador", "stakeholder_group": "member_state", "country": "EC",
            "focal_first_name": "Rosa", "focal_last_name": "Salazar", "focal_email": "focal@mission-ec.org",
            "privacy_consent": "y"}
    for i, (first, last, email) in enumerate(members):
        data.update({f"members-{i}-first_name": first, f"members-{i}-last_name": last, f"members-{i}-email": email})
    data.update(changes)
    return data


def accept_delegations(capacity=10):
    policy = db.session.scalar(sa.select(RegistrationPolicy))
    policy.accepts_delegations, policy.in_person_capacity = True, capacity
    db.session.commit()


def delegation_link(address="focal@mission-ec.org"):
    for message in reversed(outbox(address)):
        found = re.search(r"https://events\.example\.org(/delegations/[A-Za-z0-9_-]{40,})", message.text_body)
        if found:
            return found.group(1)
    raise AssertionError("no delegation link e-mailed")


def members_by_name():
    db.session.expire_all()
    members = db.session.scalars(sa.select(Registration).where(Registration.delegation_id.is_not(None)))
    return {r.first_name: r for r in members}


def test_a_delegation_of_five_for_three_places_has_three_confirmed_two_waiting_in_order(client, open_event,
                                                                                        make_participant):
    accept_delegations(capacity=10)
    for i in range(7):
        make_participant(open_event, email=f"early{i}@example.org")  # 3 places left
    page = client.get(f"/events/{open_event.slug}/register")
    assert "Register all its members at once" in text(page)
    response = client.post(f"/events/{open_event.slug}/register/delegation", data=delegation_form(),
                           follow_redirects=True)
    assert response.status_code == 200
    shown = text(response)
    assert "3 members have a confirmed place." in shown
    assert "2 members are on the waiting list, in the order listed (Diego Paredes, Elena Mora)" in shown
    assert "number 1 on the waiting list" in shown and "number 2 on the waiting list" in shown
    members = members_by_name()
    assert {n: m.state for n, m in members.items()} == {
        "Ana": "confirmed", "Bruno": "confirmed", "Carla": "confirmed", "Diego": "waitlisted", "Elena": "waitlisted"}
    assert members["Ana"].organisation == "Permanent Mission of Ecuador" and members["Ana"].country_code == "EC"
    # Every member has their own reference and e-mail; those without an address reach the focal point.
    assert len({m.reference for m in members.values()}) == 5
    to_focal = [m.subject for m in outbox("focal@mission-ec.org")]
    assert sum("Registration confirmed" in s for s in to_focal) == 1  # Bruno's
    assert sum("waiting list" in s for s in to_focal) == 1  # Elena's
    assert any("delegation" in s for s in to_focal)
    assert "Bruno" in outbox("focal@mission-ec.org")[0].text_body

    own_page = text(client.get(manage_path("ana@mission-ec.org")))
    assert "Delegation Permanent Mission of Ecuador (focal point: Rosa Salazar)" in own_page
    # Ana cancels from her own link: Diego, listed fourth, is promoted; Elena is now first in line.
    client.post(manage_path("ana@mission-ec.org") + "/cancel", follow_redirects=True)
    members = members_by_name()
    assert members["Diego"].state == "confirmed" and members["Elena"].state == "waitlisted"
    assert outbox("diego@mission-ec.org")[-1].kind == "promoted"
    page = text(client.get(delegation_link()))
    assert "Elena Mora" in page and "number 1 on the waiting list" in page


def test_the_focal_point_adds_replaces_and_removes_members_and_replacing_keeps_the_place(client, open_event):
    accept_delegations(capacity=2)
    client.post(f"/events/{open_event.slug}/register/delegation", data=delegation_form(MEMBERS[:3]))
    link = delegation_link()
    members = members_by_name()
    assert [members[n].state for n in ("Ana", "Bruno", "Carla")] == ["confirmed", "confirmed", "waitlisted"]

    # Replace Ana: Félix takes her confirmed place; Carla, waiting, does not move.
    response = client.post(f"{link}/members/{members['Ana'].id}/replace", follow_redirects=True, data={
        "replace-member-first_name": "Félix", "replace-member-last_name": "Andrade",
        "replace-member-email": "felix@mission-ec.org"})
    assert "Félix Andrade takes the place of Ana Zambrano." in text(response)
    members = members_by_name()
    assert members["Félix"].state == "confirmed" and members["Ana"].state == "cancelled"
    assert members["Carla"].state == "waitlisted"
    assert outbox("felix@mission-ec.org")[0].subject.startswith("Registration confirmed")
    told = outbox("ana@mission-ec.org")[-1]
    assert told.kind == "replaced" and "given your place" in told.text_body and "/registrations/" not in told.text_body

    # An address already registered is refused at the field, and nothing is lost.
    response = client.post(f"{link}/members", data={"add-member-first_name": "Gina", "add-member-last_name": "Rey",
                                                    "add-member-email": "carla@mission-ec.org"})
    assert response.status_code == 400
    assert "Someone is already registered with this address" in text(response)

    response = client.post(f"{link}/members", follow_redirects=True,
                           data={"add-member-first_name": "Gina", "add-member-last_name": "Rey"})
    assert "Gina Rey is on the waiting list, number 2." in text(response)

    # Removing Bruno frees his place for Carla, first in line.
    response = client.post(f"{link}/members/{members['Bruno'].id}/remove", follow_redirects=True)
    assert "Bruno Vera is removed from the delegation." in text(response)
    members = members_by_name()
    assert members["Bruno"].state == "cancelled" and members["Carla"].state == "confirmed"
    assert members["Gina"].state == "waitlisted"


def test_bad_rows_are_shown_at_their_field_and_a_closed_setting_is_not_found(client, open_event):
    assert client.get(f"/events/{open_event.slug}/register/delegation").status_code == 404
    accept_delegations()
    response = client.post(f"/events/{open_event.slug}/register/delegation",
                           data=delegation_form([("Ana", "", "not-an-address"), ("Bruno", "Vera", "")]))
    shown = text(response)
    assert response.status_code == 200
    assert "Please enter the member's last name." in shown
    assert "Please enter an e-mail address like name@example.org." in shown
    response = client.post(f"/events/{open_event.slug}/register/delegation",
                           data=delegation_form([("Ana", "Z", "a@x.org"), ("Bruno", "V", "A@x.org")]))
    assert "This address is given for two members." in text(response)
    assert db.session.scalar(sa.select(sa.func.count(Delegation.id))) == 0


def test_the_delegation_link_is_unguessable_and_changes_stop_at_the_deadline(client, open_event):
    from datetime import datetime, timedelta, timezone

    accept_delegations()
    client.post(f"/events/{open_event.slug}/register/delegation", data=delegation_form(MEMBERS[:2]))
    link = delegation_link()
    assert len(link.rsplit("/", 1)[1]) >= 43
    assert client.get("/delegations/" + "x" * 43).status_code == 404
    delegation = db.session.scalar(sa.select(Delegation))
    assert delegation.token_hash != link.rsplit("/", 1)[1]
    policy = db.session.scalar(sa.select(RegistrationPolicy))
    policy.changes_close_at = datetime.now(timezone.utc) - timedelta(minutes=1)
    db.session.commit()
    page = text(client.get(link))
    assert "The deadline for changes online has passed." in page and "Add a member" not in page
    bruno = members_by_name()["Bruno"]
    client.post(f"{link}/members/{bruno.id}/remove", follow_redirects=True)
    assert members_by_name()["Bruno"].state == "confirmed"


def test_an_individual_registering_after_a_delegation_queues_behind_its_members(open_event):
    accept_delegations(capacity=1)
    outcome = delegations.register_delegation(
        open_event, {"name": "Mission", "stakeholder_group": "member_state", "country": "EC",
                     "focal_first_name": "R", "focal_last_name": "S", "focal_email": "f@example.org"},
        [{"first_name": "A", "last_name": "B", "email": ""}, {"first_name": "C", "last_name": "D", "email": ""}])
    db.session.commit()
    assert [m.state for m in outcome.confirmed] == ["confirmed"] and len(outcome.waitlisted) == 1
    person = registrations.register(open_event, register_data(email="solo@example.org")).registration
    db.session.commit()
    assert person.state == "waitlisted"
    from eventapp.services.registration.capacity import waitlist_position
    assert waitlist_position(person) == 2


# --- At the desk -------------------------------------------------------------------------------------

def register_two_delegations(client, event):
    client.post(f"/events/{event.slug}/register/delegation", data=delegation_form(MEMBERS[:3]))
    client.post(f"/events/{event.slug}/register/delegation", data=delegation_form(
        [("Yuki", "Tanaka", "yuki@mission-jp.org")], name="Permanent Mission of Japan", country="JP",
        focal_email="focal@mission-jp.org"))
    db.session.expire_all()
    return {d.name: d for d in db.session.scalars(sa.select(Delegation))}


def test_the_desk_shows_and_filters_by_delegation(client, open_event, organiser):
    accept_delegations()
    found = register_two_delegations(client, open_event)
    ecuador = found["Permanent Mission of Ecuador"]
    organiser(open_event)
    desk = text(client.get(f"/manage/events/{open_event.id}/registrations/"))
    assert "Delegation: Permanent Mission of Ecuador" in desk and "Delegation: Permanent Mission of Japan" in desk
    filtered = text(client.get(f"/manage/events/{open_event.id}/registrations/?delegation={ecuador.id}"))
    assert "of 3." in filtered and "Tanaka" not in filtered and "Zambrano" in filtered
    export = client.get(f"/manage/events/{open_event.id}/registrations/export.csv?delegation={ecuador.id}"
                        "&columns=last_name&columns=delegation").get_data(as_text=True)
    assert sorted(export.splitlines()[1:]) == [f"{name},Permanent Mission of Ecuador"
                                               for name in ("Ortiz", "Vera", "Zambrano")]
    listing = text(client.get(f"/manage/events/{open_event.id}/delegations"))
    assert "Permanent Mission of Ecuador" in listing and "Rosa Salazar" in listing
    page = text(client.get(f"/manage/events/{open_event.id}/delegations/{ecuador.id}"))
    assert "Ana Zambrano" in page and "(through the focal point)" in page and "Yuki" not in page


def test_a_delegations_members_are_approved_declined_and_messaged_together(client, open_event, organiser):
    db.session.scalar(sa.select(RegistrationPolicy)).approval_mode = "moderated"
    accept_delegations()
    found = register_two_delegations(client, open_event)
    ecuador, japan = found["Permanent Mission of Ecuador"], found["Permanent Mission of Japan"]
    organiser(open_event)
    assert set(members_by_name()[n].state for n in ("Ana", "Bruno", "Carla", "Yuki")) == {"pending"}

    bulk = f"/manage/events/{open_event.id}/registrations/bulk"
    response = client.post(bulk, data={"action": "approve", "delegation": ecuador.id, "expected": 3},
                           follow_redirects=True)
    assert "3 registrations approved." in text(response)
    members = members_by_name()
    assert [members[n].state for n in ("Ana", "Bruno", "Carla")] == ["confirmed"] * 3
    assert members["Yuki"].state == "pending"

    before = len(outbox())
    response = client.post(f"/manage/events/{open_event.id}/delegations/{ecuador.id}/message", follow_redirects=True,
                           data={"subject": "Your seats in Room XVIII", "body": "Please arrive by 9:30."})
    assert "Message queued for 3 people." in text(response)
    sent = outbox()[before:]
    # Bruno has no address: his copy goes to the focal point, with his own link.
    assert sorted(m.recipient for m in sent) == ["ana@mission-ec.org", "carla@mission-ec.org", "focal@mission-ec.org"]
    assert all(m.subject == "Your seats in Room XVIII" for m in sent)

    response = client.post(bulk, data={"action": "decline", "delegation": japan.id, "expected": 1,
                                       "reason": "One seat per mission"}, follow_redirects=True)
    assert "1 registration declined." in text(response)
    assert members_by_name()["Yuki"].state == "declined"


def test_an_organiser_of_another_event_cannot_see_its_delegations(client, open_event, make_event, make_policy,
                                                                  organiser):
    accept_delegations()
    ecuador = register_two_delegations(client, open_event)["Permanent Mission of Ecuador"]
    other = make_event()
    make_policy(other)
    organiser(other)
    assert client.get(f"/manage/events/{open_event.id}/delegations/{ecuador.id}").status_code in (403, 404)
    assert client.get(f"/manage/events/{other.id}/delegations/{ecuador.id}").status_code == 404


def test_the_delegations_list_costs_the_same_queries_for_two_or_twenty_delegations(client, open_event, organiser,
                                                                                   count_queries):
    accept_delegations(capacity=None)
    organiser(open_event)
    counts = []
    for total in (2, 20):
        while db.session.scalar(sa.select(sa.func.count(Delegation.id))) < total:
            n = db.session.scalar(sa.select(sa.func.count(Delegation.id)))
            delegations.register_delegation(open_event, {
                "name": f"Mission {n}", "stakeholder_group": "member_state", "country": "EC",
                "focal_first_name": "R", "focal_last_name": "S", "focal_email": f"f{n}@example.org"},
                [{"first_name": "A", "last_name": f"M{n}", "email": ""}])
            db.session.commit()
        client.get(f"/manage/events/{open_event.id}/delegations")
        with count_queries() as statements:
            response = client.get(f"/manage/events/{open_event.id}/delegations")
        assert response.status_code == 200 and f"Mission {total - 1}" in text(response)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_purging_the_event_erases_the_focal_points_name_and_address(client, open_event):
    from datetime import timedelta

    from eventapp.services.registration.privacy import purge_event

    accept_delegations()
    client.post(f"/events/{open_event.slug}/register/delegation", data=delegation_form(MEMBERS[:2]))
    link = delegation_link()
    purge_event(open_event, 0, now=open_event.ends_at + timedelta(days=1))
    db.session.commit()
    delegation = db.session.scalar(sa.select(Delegation))
    assert (delegation.focal_first_name, delegation.focal_email) == ("", "")
    assert delegation.name == "Permanent Mission of Ecuador"
    assert client.get(link).status_code == 404


def test_the_delegation_form_and_its_outcome_speak_french(client, open_event):
    accept_delegations(capacity=1)
    page = text(client.get(f"/events/{open_event.slug}/register/delegation?lang=fr"))
    assert "Inscrire une délégation" in page and "Vous, le point focal" in page
    response = client.post(f"/events/{open_event.slug}/register/delegation?lang=fr",
                           data=delegation_form(MEMBERS[:2]), follow_redirects=True)
    shown = text(response)
    assert "1 membre a une place confirmée." in shown
    assert "Les places sont épuisées : 1 membre est sur la liste d'attente (Bruno Vera)." in shown
    assert outbox("focal@mission-ec.org")[-1].subject.startswith("L'inscription de votre délégation")


def test_an_organiser_emails_the_focal_point_a_new_link_and_the_old_one_stops_working(client, open_event,
                                                                                       organiser):
    accept_delegations()
    client.post(f"/events/{open_event.slug}/register/delegation", data=delegation_form(MEMBERS[:1]))
    old_link = delegation_link()
    delegation = db.session.scalar(sa.select(Delegation))
    user = organiser(open_event)
    response = client.post(f"/manage/events/{open_event.id}/delegations/{delegation.id}/link", follow_redirects=True)
    assert "A new link to the delegation's page was e-mailed to focal@mission-ec.org." in text(response)
    new_link = delegation_link()
    assert new_link != old_link
    assert client.get(old_link).status_code == 404
    assert "Ana Zambrano" in text(client.get(new_link))
    from eventapp.models import AuditEntry
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "delegation.link"))
    assert entry.user_email == user.email
