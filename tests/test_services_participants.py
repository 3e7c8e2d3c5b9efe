"""Messages, badges, check-in and privacy rules, tested on the services directly."""
import threading
from datetime import datetime, timedelta, timezone

import pytest
import segno
import sqlalchemy as sa

from eventapp.extensions import db
from eventapp.models import Message, OutboxMessage, Registration, RegistrationToken
from eventapp.services.desk import badges
from eventapp.services.desk import checkin
from eventapp.services.desk import messages
from eventapp.services.registration import privacy
from eventapp.services.desk import recipients
from eventapp.services.errors import ValidationFailed
from eventapp.services.desk.recipients import Filters

UTC = timezone.utc


def test_filters_choose_by_state_group_mode_and_search(open_event, make_participant):
    a = make_participant(open_event, first_name="Ana", stakeholder_group="academia")
    b = make_participant(open_event, first_name="Bea", organisation="Red Cross")
    c = make_participant(open_event, first_name="Cyd")
    c.state = "cancelled"
    db.session.commit()
    assert recipients.select_registrants(open_event, Filters()) == sorted([a, b], key=lambda r: r.last_name)
    assert recipients.select_registrants(open_event, Filters(stakeholder_group="academia")) == [a]
    assert recipients.select_registrants(open_event, Filters(search="red cross")) == [b]
    assert recipients.select_registrants(open_event, Filters(state="cancelled")) == [c]
    assert recipients.count_registrants(open_event, Filters(state="")) == 3
    assert recipients.select_registrants(open_event, Filters(mode="online")) == []
    assert recipients.select_registrants(open_event, Filters(search="%")) == []  # no wildcard: as on the desk


def test_a_message_is_queued_once_per_person_with_their_own_link_and_logged(open_event, make_participant, make_user):
    people = [make_participant(open_event, locale=lang) for lang in ("en", "fr", "es")]
    user = make_user()
    before = db.session.scalar(sa.select(sa.func.count()).select_from(RegistrationToken))
    message = messages.send_message(open_event, Filters(), "Practical information", "Bring your passport.", user)
    db.session.commit()
    assert message.recipient_count == 3 and {r.registration_id for r in message.recipients} == {p.id for p in people}
    mails = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "message")).all()
    assert sorted(m.recipient for m in mails) == sorted(p.email for p in people)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RegistrationToken)) == before + 3
    by_address = {m.recipient: m.text_body for m in mails}
    assert all("Bring your passport." in body for body in by_address.values())
    assert not by_address[people[1].email].startswith("Dear")  # in the registrant's own language
    assert by_address[people[0].email].startswith(f"Dear {people[0].first_name},")
    links = {m.recipient: [line for line in m.text_body.splitlines() if "/registrations/" in line and "/badge" not in line]
             for m in mails}
    assert len({tuple(v) for v in links.values()}) == 3  # each their own manage link
    assert all(r.outbox_message is not None for r in message.recipients)


def test_text_an_organiser_writes_is_never_taken_for_a_persons_value(open_event, make_participant, make_user):
    person = make_participant(open_event)
    body = "Reply with @@first_name@@ and @@manage_url@@ in the subject line."
    messages.send_message(open_event, Filters(), "Practical information", body, make_user())
    db.session.commit()
    mail = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.kind == "message"))
    assert body in mail.text_body and person.first_name in mail.text_body
    assert "@@first_name@@ and @@manage_url@@" in mail.html_body


def test_a_message_refuses_when_the_set_changed_since_the_preview(open_event, make_participant, make_user):
    make_participant(open_event)
    preview = messages.preview_message(open_event, Filters(), "Hello", "Text")
    assert preview.count == 1 and "Text" in preview.text and messages.PREVIEW_LINK in preview.text
    make_participant(open_event)
    with pytest.raises(messages.RecipientsChanged):
        messages.send_message(open_event, Filters(), "Hello", "Text", make_user(), expected_count=preview.count)
    with pytest.raises(ValidationFailed):
        messages.send_message(open_event, Filters(), " ", "Text", None)


def test_the_badge_qr_holds_the_signed_value_and_a_tampered_value_is_refused(open_event, make_participant):
    person = make_participant(open_event)
    value = badges.checkin_value(person)
    assert badges.read_checkin_value(value) == (open_event.id, person.id)
    svg = str(badges.badge(person)["qr"])
    assert svg == segno.make(value, error="m", micro=False).svg_inline(scale=4, border=2, omitsize=True)
    event_id, registration_id, signature = value.split(".")
    forged = f"{event_id}.{registration_id + '1'}.{signature}"
    assert badges.read_checkin_value(forged) is None
    assert checkin.check_in(open_event, forged).outcome == checkin.INVALID
    assert checkin.check_in(open_event, value[:-2] + ("AA" if not value.endswith("AA") else "BB")).outcome == checkin.INVALID


def test_every_check_in_outcome(make_event, make_policy, make_participant):
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    event = make_event(starts_at=start, timezone="America/New_York")
    make_policy(event, in_person_capacity=1)
    other = make_event(starts_at=start)
    make_policy(other)
    confirmed = make_participant(event, first_name="Zed")
    waiting = make_participant(event)
    stranger = make_participant(other)
    pending_event = make_event(starts_at=start)
    make_policy(pending_event, approval_mode="moderated")
    assert waiting.state == "waitlisted"
    moment = datetime(2030, 1, 1, 14, 5, tzinfo=UTC)
    first = checkin.check_in(event, badges.checkin_value(confirmed), now=moment)
    db.session.commit()
    assert first.outcome == checkin.CHECKED_IN
    again = checkin.check_in(event, confirmed.reference.lower(), now=moment + timedelta(hours=1))
    assert again.outcome == checkin.ALREADY and again.checked_in_at == moment  # 09:05 in New York
    assert checkin.check_in(event, badges.checkin_value(waiting)).outcome == checkin.WAITLISTED
    assert checkin.check_in(event, badges.checkin_value(stranger)).outcome == checkin.WRONG_EVENT
    assert checkin.check_in(event, stranger.reference).outcome == checkin.WRONG_EVENT
    assert checkin.check_in(event, "Nobody Here").outcome == checkin.NOT_FOUND
    pending = make_participant(pending_event)
    assert checkin.check_in(pending_event, pending.reference).outcome == checkin.PENDING
    from eventapp.services.registration.register import cancel

    cancel(waiting)
    db.session.commit()
    assert checkin.check_in(event, waiting.reference).outcome == checkin.CANCELLED
    assert checkin.check_in(event, "Zed").registration == confirmed  # a name typed at the desk
    assert checkin.counts(event)["checked_in"] == 1 and checkin.counts(event)["expected"] == 1


def test_a_name_matching_several_people_asks_to_choose(open_event, make_participant):
    make_participant(open_event, first_name="Maria", last_name="Lopez")
    make_participant(open_event, first_name="Maria", last_name="Garcia")
    result = checkin.check_in(open_event, "maria")
    assert result.outcome == checkin.CHOOSE and len(result.candidates) == 2


@pytest.mark.postgres
def test_two_scanners_checking_in_the_same_person_at_once_make_one_check_in(app, open_event, make_participant):
    person = make_participant(open_event)
    value, event_id = badges.checkin_value(person), open_event.id
    db.session.remove()
    barrier = threading.Barrier(2)
    outcomes = []

    def scan():
        with app.app_context():
            event = db.session.get(type(open_event), event_id)
            barrier.wait()
            result = checkin.check_in(event, value)
            db.session.commit()
            outcomes.append(result.outcome)
            db.session.remove()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == sorted([checkin.CHECKED_IN, checkin.ALREADY])
    assert db.session.get(Registration, person.id).checked_in_at is not None


def test_deleting_a_registration_frees_the_place_and_erases_the_data(make_event, make_policy, make_participant):
    event = make_event(starts_at=datetime.now(UTC) + timedelta(days=5))
    make_policy(event, in_person_capacity=1)
    first = make_participant(event, first_name="Leaving", accessibility_needs="Wheelchair")
    second = make_participant(event)
    assert second.state == "waitlisted"
    privacy.delete_registration(first)
    db.session.commit()
    first, second = db.session.get(Registration, first.id), db.session.get(Registration, second.id)
    assert second.state == "confirmed"
    assert first.state == "cancelled" and first.erased_at is not None
    assert (first.first_name, first.email, first.accessibility_needs) == ("", "", "")
    assert db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.registration_id == first.id)).all() == []
    assert db.session.scalars(sa.select(RegistrationToken).where(RegistrationToken.registration_id == first.id)).all() == []


def test_purge_keeps_counts_and_refuses_a_recent_event(make_event, make_policy, make_participant):
    event = make_event(starts_at=datetime.now(UTC) + timedelta(days=5))
    make_policy(event)
    for _ in range(3):
        make_participant(event)
    messages.send_message(event, Filters(), "Hi", "Text", None)
    db.session.commit()
    with pytest.raises(ValidationFailed):
        privacy.purge_event(event, 30)
    counts = privacy.anonymous_counts(event)
    assert privacy.purge_event(event, 30, now=event.ends_at + timedelta(days=31)) == 3
    db.session.commit()
    assert privacy.anonymous_counts(event) == counts
    assert db.session.scalar(sa.select(sa.func.count()).where(Registration.first_name != "")) == 0
    log = db.session.scalar(sa.select(Message))
    assert log.recipient_count == 3 and all(r.email == "" for r in log.recipients)


def test_the_public_list_shows_only_organisations_that_agreed(open_event, make_participant):
    make_participant(open_event, organisation="Listed Org", listed_publicly=True)
    make_participant(open_event, organisation="listed  org", listed_publicly=True)
    make_participant(open_event, organisation="Secret Org", listed_publicly=False)
    assert privacy.public_organisations(open_event) == ["Listed Org"]


def test_a_name_is_escaped_in_the_html_copy_and_plain_in_the_text(open_event, make_participant):
    person = make_participant(open_event, first_name="<b>Ana</b>")
    messages.send_message(open_event, Filters(), "Hello", "Welcome @@first_name@@", None)
    copy = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.kind == "message"))
    assert "Dear <b>Ana</b>," in copy.text_body
    assert "&lt;b&gt;Ana&lt;/b&gt;" in copy.html_body and "<b>Ana</b>" not in copy.html_body
    assert person.reference in copy.text_body and person.reference in copy.html_body
