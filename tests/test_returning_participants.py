"""A participant who cancelled and comes back; "lost your link?" right after registering.

Through HTTP as a participant would, with the e-mails delivered to a real SMTP server.
"""
import re
from datetime import timedelta

import sqlalchemy as sa

from eventapp.extensions import db
from eventapp.models import OutboxMessage, Registration
from eventapp.services import mail

from .conftest import register_data, text

LINK = re.compile(r"https://events\.example\.org(/registrations/[A-Za-z0-9_-]{43})")


def plain(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def delivered(smtp, address):
    """Deliver what is due; the messages the address has received so far."""
    mail.send_due()
    return smtp.to(address)


def register(client, event, **changes):
    return client.post(f"/events/{event.slug}/register", data=register_data(**changes), follow_redirects=True)


def cancel_through_the_page(client, link):
    page = client.post(f"{link}/cancel", follow_redirects=True)
    assert "This registration is cancelled" in text(page)
    return page


def test_a_participant_who_cancelled_registers_again_and_is_told_so(client, open_event, make_session, smtp):
    make_session(open_event, title="Opening")
    register(client, open_event)
    [confirmation] = delivered(smtp, "amina@example.org")
    link = LINK.search(plain(confirmation)).group(1)
    page = text(cancel_through_the_page(client, link))
    assert "Changed your mind? Register again" in page
    [_, cancelled] = delivered(smtp, "amina@example.org")
    assert cancelled["Subject"].startswith("Registration cancelled")

    # She comes back with the form, with a new job title.
    again = text(register(client, open_event, job_title="Director"))
    assert "An e-mail is on its way to amina@example.org" in again
    messages = delivered(smtp, "amina@example.org")
    assert len(messages) == 3
    back = messages[-1]
    assert back["Subject"] == f"Registration confirmed: {open_event.title}"
    body = plain(back)
    assert "You had cancelled your registration" in body and "registered again" in body
    assert "Confirmed" in body
    new_link = LINK.search(body).group(1)  # the e-mail holds a link, and it works
    assert [a.get_filename().endswith(".ics") for a in back.iter_attachments()] == [True]
    own = text(client.get(new_link))
    assert "Your place is confirmed" in own and "Director" in own
    assert "Registered again" in own  # the history tells the story
    [registration] = db.session.scalars(sa.select(Registration)).all()
    assert registration.state == "confirmed" and registration.job_title == "Director"


def test_coming_back_to_a_full_event_joins_the_end_of_the_waiting_list(client, make_event, make_policy, smtp):
    from datetime import datetime, timezone

    event = make_event(starts_at=datetime.now(timezone.utc) + timedelta(days=9))
    make_policy(event, in_person_capacity=1)
    register(client, event, email="first@example.org")
    link = LINK.search(plain(delivered(smtp, "first@example.org")[0])).group(1)
    register(client, event, email="second@example.org")
    cancel_through_the_page(client, link)  # second@ is promoted to the free place
    register(client, event, email="first@example.org")
    back = delivered(smtp, "first@example.org")[-1]
    assert back["Subject"] == f"You are on the waiting list: {event.title}"
    assert "You had cancelled your registration" in plain(back)
    assert "waiting list, number 1" in plain(back)


def test_a_registration_the_organisers_declined_is_not_reopened_by_the_form(client, open_event, smtp):
    from eventapp.services.registration.register import decline

    register(client, open_event)
    registration = db.session.scalars(sa.select(Registration)).one()
    decline(registration, reason="Seats are for delegations", actor="organiser@example.org")
    db.session.commit()
    delivered(smtp, "amina@example.org")
    for message in db.session.scalars(sa.select(OutboxMessage)):
        message.created_at -= timedelta(days=1)
    db.session.commit()  # she comes back the next day
    register(client, open_event, first_name="Again")
    last = delivered(smtp, "amina@example.org")[-1]
    # The subject promises no link, and the e-mail holds none.
    assert last["Subject"] == f"About your registration: {open_event.title}"
    assert "declined your registration" in plain(last)
    assert not LINK.search(plain(last))
    assert db.session.scalars(sa.select(Registration)).one().state == "declined"


def test_lost_link_right_after_registering_gets_an_email_and_the_page_tells_the_truth(client, open_event, smtp):
    register(client, open_event)
    page = text(client.post(f"/events/{open_event.slug}/lost-link", data={"email": "amina@example.org"},
                            follow_redirects=True))
    assert "an e-mail with its link is on its way" in page
    assert "at most once every two minutes" in page
    confirmation, reminder = delivered(smtp, "amina@example.org")
    assert reminder["Subject"] == f"Your registration and its link: {open_event.title}"
    link = LINK.search(plain(reminder)).group(1)
    assert client.get(link).status_code == 200

    # A second request at once is the flood the pause protects against, as the page said.
    client.post(f"/events/{open_event.slug}/lost-link", data={"email": "amina@example.org"})
    assert len(delivered(smtp, "amina@example.org")) == 2


def test_lost_link_after_cancelling_says_how_to_come_back(client, open_event, smtp):
    register(client, open_event)
    link = LINK.search(plain(delivered(smtp, "amina@example.org")[0])).group(1)
    cancel_through_the_page(client, link)
    client.post(f"/events/{open_event.slug}/lost-link", data={"email": "amina@example.org"})
    last = delivered(smtp, "amina@example.org")[-1]
    assert last["Subject"] == f"About your registration: {open_event.title}"
    assert "register again on the event page" in plain(last)
    assert not LINK.search(plain(last))
