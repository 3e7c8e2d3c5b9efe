"""The question and answer rules, called directly: every kind's checks, retiring, and edits that keep answers."""
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from eventapp.extensions import db
from eventapp.models import RegistrationAnswer
from eventapp.services.errors import ValidationFailed
from eventapp.services.registration import answer_display
from eventapp.services.registration import answers as answer_rules
from eventapp.services.registration import questions as question_rules

UTC = timezone.utc


def ask(event, **item):
    question = question_rules.add_question(event, dict({"label": item.get("kind")}, **item), None)
    db.session.commit()
    return question


def errors(questions, raw):
    return answer_rules.check_answers(questions, raw)


def test_each_kind_of_answer_is_checked_on_the_server(open_event):
    number = ask(open_event, kind="number", min_value="0.5")
    country = ask(open_event, kind="country")
    yes_no = ask(open_event, kind="yes_no")
    text = ask(open_event, kind="short_text")
    single = ask(open_event, kind="single_choice", choices="A\nB")
    multiple = ask(open_event, kind="multiple_choice", choices="A\nB\nC")
    a, b = (c.id for c in single.choices)
    assert errors([number], {number.id: "2,5"}) == {}
    assert errors([number], {number.id: "0.1"}) == {number.id: "Please enter a number of at least 0.5."}
    assert errors([number], {number.id: "nan"}) == {number.id: "Please enter a number, for example 12 or 2.5."}
    assert errors([country], {country.id: "sn"}) == {}
    assert errors([country], {country.id: "XX"}) == {country.id: "Please choose a country from the list."}
    assert errors([yes_no], {yes_no.id: "maybe"}) == {yes_no.id: "Please answer yes or no."}
    assert errors([text], {text.id: "x" * 301}) == {text.id: "Please keep this under 300 characters."}
    assert errors([text], {text.id: "bell\x07"}) == {
        text.id: "Please remove the invisible control characters from this field."}
    assert errors([single], {single.id: [str(a), str(b)]}) == {single.id: "Please choose only one answer."}
    assert errors([multiple], {multiple.id: [str(a)]}) == {multiple.id: "Please choose among the answers listed."}
    assert errors([multiple], {f"q{multiple.id}": [str(c.id) for c in multiple.choices]}) == {}


def test_saving_stores_changes_and_removes_an_emptied_optional_answer(open_event, make_participant):
    text = ask(open_event, kind="paragraph")
    number = ask(open_event, kind="number")
    person = make_participant(open_event)
    assert sorted(answer_rules.save_answers(person, {text.id: "Line one\nLine two", number.id: "3.0"})) == sorted(
        [text.id, number.id])
    assert answer_rules.save_answers(person, {text.id: "Line one\nLine two", number.id: "3"}) == []
    assert answer_rules.save_answers(person, {text.id: "  ", number.id: "3"}) == [text.id]
    db.session.commit()
    assert db.session.scalars(sa.select(RegistrationAnswer.value)).all() == ["3"]


def test_question_rules_refuse_unclear_questions(open_event):
    with pytest.raises(ValidationFailed) as missing:
        question_rules.add_question(open_event, {"kind": "short_text", "label": "  "}, None)
    assert missing.value.field == "label"
    with pytest.raises(ValidationFailed) as twice:
        question_rules.add_question(open_event, {"kind": "single_choice", "label": "Q", "choices": "A\na"}, None)
    assert str(twice.value) == "Each choice may appear only once."
    with pytest.raises(ValidationFailed):
        question_rules.add_question(open_event, {"kind": "number", "label": "Q", "min_value": "inf"}, None)
    question = question_rules.add_question(open_event, {"kind": "short_text", "label": "Q", "choices": "A\nB"}, None)
    assert question.choices == []  # choices belong to choice questions only


def test_a_retired_choice_stays_with_whoever_holds_it_and_is_offered_to_nobody_else(open_event, make_participant):
    lunch = ask(open_event, kind="single_choice", choices="Meat | Viande\nFish | Poisson")
    fish = lunch.choices[1]
    holder, newcomer = make_participant(open_event), make_participant(open_event)
    answer_rules.save_answers(holder, {lunch.id: str(fish.id)})
    question_rules.edit_question(lunch, {"kind": "single_choice", "label": "Lunch", "choices": "Meat | Viande\nVegan"},
                                 None, now=datetime.now(UTC) - timedelta(minutes=1))
    db.session.commit()
    assert question_rules.choices_text(lunch) == "Meat | Viande\nVegan"
    assert answer_rules.save_answers(holder, {lunch.id: str(fish.id)}) == []
    with pytest.raises(answer_rules.AnswersInvalid):
        answer_rules.save_answers(newcomer, {lunch.id: str(fish.id)})
    (answer,) = answer_display.answers_by_registration([holder.id])[holder.id].values()
    assert answer_display.display(answer, "fr") == "Poisson (retired)"
    question_rules.edit_question(lunch, {"kind": "single_choice", "label": "Lunch", "choices": "Meat\nFish\nVegan"}, None)
    assert fish.retired_at is None and [c.label for c in lunch.active_choices] == ["Meat", "Fish", "Vegan"]
