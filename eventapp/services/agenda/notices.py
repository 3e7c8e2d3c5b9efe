"""Telling registrants what changed in the agenda they signed up for, when organisers publish a revision.

One e-mail per registrant per publication, in the registrant's language, listing only the changes that
concern them, with their personal link and their calendar entry brought up to date (new SEQUENCE).

A change concerns an active registration (confirmed, pending approval or waiting list) when:
- the registration holds a booking (not cancelled) on that session, or
- the session takes no registration of its own, so every registrant of the event may attend it.

Changes of description, type or capacity alone ("details") are not e-mailed: they change neither when,
where, what nor who. The first publication of an agenda is not announced: nothing changed for anybody.
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from ...extensions import db
from ...models import BookingState, Registration, RegistrationState, SessionBooking
from .. import mail
from ..calendars.registrant import registration_attachment
from ..registration.tokens import issue_token
from .changes import readable

#: Kinds of change worth an e-mail (see the module docstring for "details").
ANNOUNCED = ("added", "cancelled", "restored", "moved", "retitled", "speakers")


def announced(changes):
    """The changes worth telling registrants about, each keeping only its announced kinds."""
    if changes and all(c["before"] is None for c in changes):
        return []  # a first publication: every session is new, nobody was told anything before
    kept = []
    for change in changes:
        kinds = [k for k in change["kinds"] if k in ANNOUNCED]
        if kinds:
            kept.append({**change, "kinds": kinds})
    return kept


def concerned(event, changes):
    """{registration: [change, ...]} for every active registration of the event a change concerns."""
    if not changes:
        return {}
    session_ids = [c["session_id"] for c in changes if c.get("session_id")]  # a preview's new sessions have none
    open_to_all = [c for c in changes if not c["after"].get("requires_registration")]
    booked = {}
    rows = db.session.execute(
        sa.select(SessionBooking.registration_id, SessionBooking.session_id)
        .join(Registration, Registration.id == SessionBooking.registration_id)
        .where(Registration.event_id == event.id,
               Registration.state.in_(RegistrationState.ACTIVE),
               SessionBooking.state != BookingState.CANCELLED,
               SessionBooking.session_id.in_(session_ids))
    )
    for registration_id, session_id in rows:
        booked.setdefault(registration_id, set()).add(session_id)
    query = sa.select(Registration).where(Registration.event_id == event.id,
                                          Registration.state.in_(RegistrationState.ACTIVE))
    if not open_to_all:
        if not booked:
            return {}
        query = query.where(Registration.id.in_(list(booked)))
    query = query.options(so.selectinload(Registration.bookings).joinedload(SessionBooking.session))
    result = {}
    for registration in db.session.scalars(query.order_by(Registration.id)):
        mine = booked.get(registration.id, set())
        relevant = [c for c in changes
                    if c.get("session_id") in mine or not c["after"].get("requires_registration")]
        if relevant:
            result[registration] = relevant
    return result


def agenda_change_mail(registration, changes, documents=()):
    """Queue the e-mail telling one registrant about the changes that concern them.

    `documents`: public document files added or replaced since the previous revision, mentioned too.
    """

    event = registration.event
    token = issue_token(registration)
    with force_locale(registration.locale):
        subject = _("The agenda has changed: %(event)s", event=event.title)
        context = dict(
            registration=registration, event=event, subject=subject,
            changes=readable(changes), label=event.agenda_label,
            manage_url=mail.public_url("registration.manage", token=token),
            changes_url=mail.public_url("agenda.agenda_changes", slug=event.slug),
            documents=[(f, mail.public_url("documents.public_file", slug=event.slug, document_id=f.document_id,
                                           language=f.language)) for f in documents],
        )
        text = render_template("email/agenda_changes.txt", **context)
        html = render_template("email/agenda_changes.html", **context)
        ics = registration_attachment(registration)
    attachments = [(f"{registration.reference}.ics", "text/calendar", ics.data)] if ics is not None else []
    return mail.queue(registration.email, subject, text, html, kind="agenda_changed",
                      registration=registration, attachments=attachments)


def recipients_count(event, changes):
    """How many registrants publishing these changes would e-mail (the publish preview says it)."""
    return len(concerned(event, announced(changes)))


def notify_registrants(event, changes, documents=()):
    """Queue one e-mail per concerned registrant; returns how many were queued.

    Documents alone send no e-mail; they are mentioned in the e-mails that session changes send.
    """
    recipients = concerned(event, announced(changes))
    for registration, relevant in recipients.items():
        agenda_change_mail(registration, relevant, documents)
    return len(recipients)
