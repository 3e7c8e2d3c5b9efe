"""The organisers' own registration questions, through the pages as organisers and participants use them."""
import csv
import io
import json
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
import yaml
from openpyxl import load_workbook

from eventapp.extensions import db
from eventapp.models import (
    AuditEntry,
    QuestionChoice,
    Registration,
    RegistrationAnswer,
    RegistrationQuestion,
)
from eventapp.services.registration import answers as answer_rules
from eventapp.services.registration import privacy
from eventapp.services.registration import questions as question_rules

from .conftest import manage_path, register_data, text

UTC = timezone.utc

#: The four questions every IDM registration asks, one per type, in English, French and Spanish.
IDM_QUESTIONS = [
    dict(kind="short_text", label="Which Permanent Mission or organisation do you represent?",
         label_fr="Quelle Mission permanente ou organisation représentez-vous ?",
         label_es="¿Qué Misión Permanente u organización representa?", is_required="y", asked_of="both"),
    dict(kind="yes_no", label="Will you need a visa support letter?",
         label_fr="Aurez-vous besoin d'une lettre d'appui pour votre visa ?",
         label_es="¿Necesitará una carta de apoyo para el visado?", is_required="y", asked_of="in_person",
         help_text="We send it within five working days.",
         help_fr="Nous l'envoyons sous cinq jours ouvrables."),
    dict(kind="multiple_choice", label="Interpretation needs", label_fr="Besoins d'interprétation",
         label_es="Necesidades de interpretación", asked_of="both",
         choices="English | Anglais | Inglés\nFrench | Français | Francés\nSpanish | Espagnol | Español\n"
                 "International Sign | Langue des signes internationale | Señas internacionales"),
    dict(kind="single_choice", label="Do you wish to take the floor?", label_fr="Souhaitez-vous prendre la parole ?",
         label_es="¿Desea tomar la palabra?", is_required="y", asked_of="both", widget="radio",
         choices="Yes, in the plenary | Oui, en plénière | Sí, en el plenario\n"
                 "Yes, in a panel | Oui, lors d'un panel | Sí, en un panel\nNo | Non | No"),
]


def add_questions(client, event, items):
    for item in items:
        response = client.post(f"/manage/events/{event.id}/registrations/questions/new", data=item)
        assert response.status_code == 302, text(response)
    return db.session.scalars(sa.select(RegistrationQuestion).where(RegistrationQuestion.event_id == event.id)
                              .order_by(RegistrationQuestion.position)).all()


def choice(question, label):
    return next(c for c in question.choices if c.label == label)


def stored_answers():
    db.session.expire_all()
    return db.session.scalars(sa.select(RegistrationAnswer)).all()


@pytest.fixture
def idm(app):
    """The real IDM session of the demo data, two weeks from today so that registration is open."""
    from eventapp.services.demo import load_demo

    event = load_demo(date.today() + timedelta(days=14))
    db.session.commit()
    return event


def test_an_idm_registration_in_french_with_its_own_questions_reaches_desk_exports_download_and_is_erased(
        client, idm, organiser):
    organiser(idm)
    mission, visa, interpretation, floor = add_questions(client, idm, IDM_QUESTIONS)

    form = client.get(f"/events/{idm.slug}/register?lang=fr")
    page = text(form)
    assert "Questions des organisateurs" in page
    assert "Quelle Mission permanente ou organisation représentez-vous ?" in page
    assert "Nous l'envoyons sous cinq jours ouvrables." in page
    assert "Langue des signes internationale" in page and "Oui, en plénière" in page
    assert "Uniquement pour les participants en présentiel." in page  # the visa question, on a hybrid event

    response = client.post(f"/events/{idm.slug}/register", follow_redirects=True, data=register_data(
        email="delegue@example.org", mode="in_person",
        **{f"q{mission.id}": "Mission permanente de l'Équateur", f"q{visa.id}": "yes",
           f"q{interpretation.id}": [str(choice(interpretation, "French").id),
                                     str(choice(interpretation, "Spanish").id)],
           f"q{floor.id}": str(choice(floor, "Yes, in the plenary").id)}))
    assert "Inscription reçue" in text(response)
    registration = db.session.scalar(sa.select(Registration).where(Registration.email_key == "delegue@example.org"))
    assert registration.locale == "fr" and len(stored_answers()) == 4

    own = text(client.get(manage_path("delegue@example.org")))
    assert "Vos réponses" in own and "Mission permanente de l'Équateur" in own and "Français; Espagnol" in own

    client.get("/manage/?lang=en")
    desk = text(client.get(f"/manage/events/{idm.id}/registrations/?" + "&".join(
        f"show={q.id}" for q in (mission, visa, interpretation, floor))))
    for heading in ("Which Permanent Mission or organisation do you represent?", "Interpretation needs"):
        assert heading in desk
    assert "Mission permanente de l'Équateur" in desk and "French; Spanish" in desk and "Yes, in the plenary" in desk
    filtered = text(client.get(f"/manage/events/{idm.id}/registrations/?answer={choice(floor, 'No').id}"))
    assert "No registration matches." in filtered
    for answer in (choice(interpretation, "Spanish").id, f"{visa.id}:yes"):
        found = text(client.get(f"/manage/events/{idm.id}/registrations/?answer={answer}"))
        assert registration.reference in found and "Registrations 1 to 1 of 1." in found
    assert "No registration matches." in text(client.get(f"/manage/events/{idm.id}/registrations/?answer={visa.id}:no"))
    one = text(client.get(f"/manage/events/{idm.id}/registrations/{registration.id}"))
    assert "Will you need a visa support letter? Yes" in one

    exported = client.get(f"/manage/events/{idm.id}/registrations/export.csv")
    table = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    row = dict(zip(table[0], table[1]))
    assert row["Which Permanent Mission or organisation do you represent?"] == "Mission permanente de l'Équateur"
    assert row["Will you need a visa support letter?"] == "Yes"
    assert row["Interpretation needs"] == "French; Spanish"
    assert row["Do you wish to take the floor?"] == "Yes, in the plenary"
    sheet = load_workbook(io.BytesIO(client.get(f"/manage/events/{idm.id}/registrations/export.xlsx").data)).active
    values = [[cell.value for cell in r] for r in sheet.iter_rows()]
    assert dict(zip(values[0], values[1]))["Interpretation needs"] == "French; Spanish"

    path = manage_path("delegue@example.org")
    data = json.loads(client.get(path + "/data.json").get_data(as_text=True))
    assert {"question": "Will you need a visa support letter?", "answer": "Yes",
            "question_retired": False} in data["answers"]
    assert len(data["answers"]) == 4

    client.post(path + "/delete")
    assert stored_answers() == []
    assert "Mission permanente de l'Équateur" not in text(client.get(
        f"/manage/events/{idm.id}/registrations/?show={mission.id}"))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(sa.text("registration_answer_choices"))) == 0


@pytest.fixture
def asked(client, open_event, organiser):
    """The open event asks a required number from 1 to 10, a required choice and an optional date."""
    organiser(open_event)
    questions = add_questions(client, open_event, [
        dict(kind="number", label="How many delegates?", is_required="y", min_value="1", max_value="10"),
        dict(kind="single_choice", label="Lunch", is_required="y", widget="select", choices="Meat\nFish\nVegan"),
        dict(kind="date", label="Arrival date"),
        dict(kind="accept", label="I accept the code of conduct", is_required="y"),
    ])
    client.post("/manage/logout")
    return questions


def test_wrong_answers_are_refused_at_the_field_and_in_the_summary_and_nothing_is_stored(client, open_event, asked):
    number, lunch, arrival, conduct = asked
    other = QuestionChoice(label="Elsewhere")
    db.session.add(RegistrationQuestion(event=open_event, kind="single_choice", label="Other", choices=[other]))
    db.session.commit()
    response = client.post(f"/events/{open_event.slug}/register", data=register_data(
        **{f"q{number.id}": "12", f"q{lunch.id}": "999999", f"q{arrival.id}": "31/12/2030"}))
    page = text(response)
    assert response.status_code == 200 and "Please check the form" in page
    assert "How many delegates? Please enter a number from 1 to 10." in page
    assert "Lunch: Please choose among the answers listed." in page
    assert "Arrival date: Please enter a date as YYYY-MM-DD" in page
    assert "I accept the code of conduct: Please tick this box to register." in page
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    empty = text(client.post(f"/events/{open_event.slug}/register", data=register_data()))
    assert "How many delegates? Please answer this question." in empty and "Lunch: Please choose an answer." in empty
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0
    with pytest.raises(answer_rules.AnswersInvalid) as refused:  # a choice of another question
        answer_rules.save_answers(Registration(event=open_event, mode="in_person"), {lunch.id: str(other.id)},
                                  questions=[lunch])
    assert refused.value.errors == {lunch.id: "Please choose among the answers listed."}
    db.session.rollback()
    ok = client.post(f"/events/{open_event.slug}/register", follow_redirects=True, data=register_data(
        **{f"q{number.id}": "2", f"q{lunch.id}": str(choice(lunch, "Fish").id), f"q{arrival.id}": "2030-05-05",
           f"q{conduct.id}": "y"}))
    assert ok.status_code == 200
    values = {a.question_id: a.value for a in stored_answers()}
    assert values == {number.id: "2", lunch.id: "", arrival.id: "2030-05-05", conduct.id: "accepted"}


def test_retiring_a_question_or_a_choice_keeps_the_answers_readable_and_marked(client, open_event, organiser):
    organiser(open_event)
    (lunch,) = add_questions(client, open_event, [dict(kind="single_choice", label="Lunch", choices="Meat\nFish")])
    fish = choice(lunch, "Fish")
    client.post(f"/events/{open_event.slug}/register", data=register_data(**{f"q{lunch.id}": str(fish.id)}))
    registration = db.session.scalar(sa.select(Registration))
    edit = client.post(f"/manage/events/{open_event.id}/registrations/questions/{lunch.id}/edit",
                       data=dict(kind="single_choice", label="Lunch", choices="Meat\nVegan", asked_of="both",
                                 widget="radio"))
    assert edit.status_code == 302
    db.session.expire_all()
    assert fish.retired_at is not None and [c.label for c in lunch.active_choices] == ["Meat", "Vegan"]
    assert text(client.get(f"/events/{open_event.slug}/register")).count("Fish") == 0
    assert "Lunch Fish (retired)" in text(client.get(f"/manage/events/{open_event.id}/registrations/{registration.id}"))
    path = manage_path("amina@example.org")
    assert "Fish (retired)" in text(client.get(path + "/answers"))  # still theirs when they edit
    assert "Your answers are saved." in text(client.post(path + "/answers", data={f"q{lunch.id}": str(fish.id)},
                                                          follow_redirects=True))
    refused = client.post(f"/manage/events/{open_event.id}/registrations/questions/{lunch.id}/edit",
                          data=dict(kind="short_text", label="Lunch", asked_of="both", widget="radio"))
    assert "its type can no longer change" in text(refused)

    client.post(f"/manage/events/{open_event.id}/registrations/questions/{lunch.id}/retire")
    assert "Lunch" not in text(client.get(f"/events/{open_event.slug}/register"))
    listing = text(client.get(f"/manage/events/{open_event.id}/registrations/?show={lunch.id}"))
    assert "Lunch (retired)" in listing and "Fish (retired)" in listing
    exported = client.get(f"/manage/events/{open_event.id}/registrations/export.csv").get_data(as_text=True)
    assert "Lunch (retired)" in exported and "Fish (retired)" in exported
    assert len(stored_answers()) == 1


def test_questions_asked_of_one_way_of_taking_part_only_are_required_of_it_only(client, make_event, make_policy,
                                                                             organiser):
    event = make_event(starts_at=datetime.now(UTC) + timedelta(days=30))
    make_policy(event, is_hybrid=True, online_capacity=None)
    organiser(event)
    visa, stream = add_questions(client, event, [
        dict(kind="yes_no", label="Visa letter?", is_required="y", asked_of="in_person"),
        dict(kind="short_text", label="Time zone you follow from", is_required="y", asked_of="online"),
    ])
    client.post("/manage/logout")
    online = client.post(f"/events/{event.slug}/register", follow_redirects=True, data=register_data(
        mode="online", **{f"q{stream.id}": "UTC+8", f"q{visa.id}": "yes"}))
    assert "Please check the form" not in text(online)
    answers = {a.question_id: a.value for a in stored_answers()}
    assert answers == {stream.id: "UTC+8"}  # the in-person question is not stored for an online participant
    refused = text(client.post(f"/events/{event.slug}/register", data=register_data(
        email="b@example.org", mode="in_person", **{f"q{stream.id}": "UTC+8"})))
    assert "Visa letter? Please choose an answer." in refused
    page = text(client.get(manage_path("amina@example.org") + "/answers"))
    assert "Time zone you follow from" in page and "Visa letter?" not in page


def test_participants_change_their_answers_until_the_deadline(client, open_event, organiser):
    organiser(open_event)
    (needs,) = add_questions(client, open_event, [
        dict(kind="multiple_choice", label="Interpretation needs", choices="English\nFrench\nSpanish")])
    client.post("/manage/logout")
    client.post(f"/events/{open_event.slug}/register", data=register_data(
        **{f"q{needs.id}": [str(choice(needs, "English").id)]}))
    path = manage_path("amina@example.org")
    form = client.get(path + "/answers")
    assert 'checked' in form.get_data(as_text=True) and "Interpretation needs" in text(form)
    saved = client.post(path + "/answers", follow_redirects=True,
                        data={f"q{needs.id}": [str(choice(needs, "French").id), str(choice(needs, "Spanish").id)]})
    assert "Your answers are saved." in text(saved) and "French; Spanish" in text(saved)
    wrong = client.post(path + "/answers", data={f"q{needs.id}": ["abc"]})
    assert "Please choose among the answers listed." in text(wrong)

    policy = open_event.registration_policy
    policy.changes_close_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    page = text(client.get(path))
    assert "French; Spanish" in page and "Change your answers" not in page
    assert client.post(path + "/answers", data={f"q{needs.id}": []}).headers["Location"] == path
    registration = db.session.scalar(sa.select(Registration))
    with pytest.raises(answer_rules.AnswersClosed):
        answer_rules.change_answers(registration, {needs.id: []})
    assert [c.label for a in stored_answers() for c in a.choices] == ["French", "Spanish"]


def test_questions_travel_between_events_as_yaml(client, open_event, make_event, make_policy, organiser):
    user = organiser(open_event)
    add_questions(client, open_event, IDM_QUESTIONS)
    exported = client.get(f"/manage/events/{open_event.id}/registrations/questions/export.yaml")
    assert "attachment" in exported.headers["Content-Disposition"]
    document = yaml.safe_load(exported.get_data(as_text=True))
    assert [q["label"] for q in document["questions"]] == [q["label"] for q in IDM_QUESTIONS]

    next_year = make_event(starts_at=datetime.now(UTC) + timedelta(days=400))
    make_policy(next_year)
    user.events = [open_event, next_year]
    db.session.commit()
    url = f"/manage/events/{next_year.id}/registrations/questions/import"
    done = client.post(url, follow_redirects=True,
                       data={"file": (io.BytesIO(exported.data), "questions.yaml")})
    assert "Questions imported: 4 added, 0 updated." in text(done)
    again = client.get(f"/manage/events/{next_year.id}/registrations/questions/export.yaml")
    assert yaml.safe_load(again.get_data(as_text=True)) == document
    same = client.post(url, follow_redirects=True, data={"file": (io.BytesIO(exported.data), "questions.yaml")})
    assert "Questions imported: 0 added, 0 updated." in text(same)

    as_csv = client.get(f"/manage/events/{open_event.id}/registrations/questions/export.csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[2]["choices"].splitlines()[-1] == "International Sign | Langue des signes internationale | Señas internacionales"
    third = make_event(starts_at=datetime.now(UTC) + timedelta(days=500))
    user.events = [open_event, next_year, third]
    db.session.commit()
    copied = client.post(f"/manage/events/{third.id}/registrations/questions/import", follow_redirects=True,
                         data={"file": (io.BytesIO(as_csv.data), "questions.csv")})
    assert "Questions imported: 4 added, 0 updated." in text(copied)
    assert yaml.safe_load(client.get(f"/manage/events/{third.id}/registrations/questions/export.yaml")
                          .get_data(as_text=True)) == document

    bare = b"questions:\n- kind: single_choice\n  label: Coming?\n  choices: [yes, no]\n"
    client.post(url, data={"file": (io.BytesIO(bare), "bare.yaml")})
    assert [c.label for c in question_rules.event_questions(next_year)[-1].choices] == ["Yes", "No"]

    broken = {"questions": [{"kind": "short_text", "label": "Fine"}, {"kind": "single_choice", "label": "One"},
                            {"kind": "teleport", "label": "Where to?"}]}
    refused = client.post(url, data={"file": (io.BytesIO(yaml.safe_dump(broken).encode()), "q.yaml")})
    assert refused.status_code == 400
    page = text(refused)
    assert "Question 2: Please give at least two choices, one per line." in page
    assert "Question 3: Please choose the type of question." in page
    assert len(question_rules.event_questions(next_year)) == 5
    assert client.post(url, data={"file": (io.BytesIO(b"questions: [unclosed"), "q.yaml")}).status_code == 400


def test_organisers_reorder_and_restore_questions_and_others_cannot_see_them(client, open_event, organiser,
                                                                           make_event):
    organiser(open_event)
    first, second = add_questions(client, open_event, [dict(kind="short_text", label="Alpha question"),
                                                       dict(kind="paragraph", label="Beta question")])
    client.post(f"/manage/events/{open_event.id}/registrations/questions/{second.id}/up")
    page = text(client.get(f"/events/{open_event.slug}/register"))
    assert page.index("Beta question") < page.index("Alpha question")
    client.post(f"/manage/events/{open_event.id}/registrations/questions/{first.id}/retire")
    client.post(f"/manage/events/{open_event.id}/registrations/questions/{first.id}/restore")
    assert [q.label for q in answer_rules.asked_questions(open_event)] == ["Beta question", "Alpha question"]
    invalid = client.post(f"/manage/events/{open_event.id}/registrations/questions/new",
                          data=dict(kind="number", label="Age", min_value="9", max_value="3", asked_of="both"))
    assert "The lowest number must not be above the highest." in text(invalid)
    elsewhere = make_event()
    assert client.get(f"/manage/events/{elsewhere.id}/registrations/questions").status_code == 404
    assert client.get(f"/manage/events/{open_event.id}/registrations/questions/{first.id}9/edit").status_code == 404


def test_purging_an_event_erases_its_answers_and_the_desk_reads_answers_in_constant_queries(
        client, open_event, organiser, make_participant, count_queries):
    organiser(open_event)
    (org,) = add_questions(client, open_event, [dict(kind="short_text", label="Mission")])
    people = [make_participant(open_event) for _ in range(3)]
    for person in people:
        answer_rules.save_answers(person, {org.id: f"=cmd|' /C calc'!A0 {person.id}"})
    db.session.commit()
    exported = client.get(f"/manage/events/{open_event.id}/registrations/export.csv").get_data(as_text=True)
    assert "'=cmd" in exported  # the formula guard, as for every cell

    url = f"/manage/events/{open_event.id}/registrations/?show={org.id}"
    db.session.expire_all()
    with count_queries() as few:
        client.get(url)
    for _ in range(20):
        answer_rules.save_answers(make_participant(open_event), {org.id: "Mission"})
    db.session.commit()
    db.session.expire_all()
    with count_queries() as many:
        client.get(url)
    assert len(many) == len(few)

    open_event.starts_at = datetime.now(UTC) - timedelta(days=60)
    open_event.ends_at = open_event.starts_at + timedelta(hours=8)
    db.session.commit()
    privacy.purge_event(open_event, 30)
    db.session.commit()
    assert stored_answers() == []


def test_question_changes_need_the_form_token(app, client, open_event, organiser):
    organiser(open_event)
    (question,) = add_questions(client, open_event, [dict(kind="yes_no", label="Visa letter?")])
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/manage/events/{open_event.id}/registrations/questions/{question.id}/retire").status_code == 400
    assert client.post(f"/manage/events/{open_event.id}/registrations/questions/new",
                       data=dict(kind="yes_no", label="Sneaky")).status_code == 400
    db.session.expire_all()
    assert question.retired_at is None and len(question_rules.event_questions(open_event)) == 1


def test_an_organiser_corrects_a_persons_answers_and_the_audit_log_keeps_it(client, open_event, organiser,
                                                                         make_participant):
    organiser(open_event)
    (mission,) = add_questions(client, open_event, [dict(kind="short_text", label="Mission", is_required="y")])
    person = make_participant(open_event)
    url = f"/manage/events/{open_event.id}/registrations/{person.id}"
    assert "No answers given." in text(client.get(url))
    refused = client.post(url + "/answers", data={f"q{mission.id}": ""})
    assert "Mission: Please answer this question." in text(refused)
    saved = client.post(url + "/answers", data={f"q{mission.id}": "Permanent Mission of Ecuador"},
                        follow_redirects=True)
    assert "Answers of" in text(saved) and "Mission Permanent Mission of Ecuador" in text(saved)
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.action == "registration.answers"))
