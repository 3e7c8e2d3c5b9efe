"""The e-mails a participant receives, written in their language and queued in the outbox."""
from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

import sqlalchemy as sa

from ...extensions import db
from ...models import (
    BookingState, MailStatus, OutboxAttachment, OutboxMessage, ParticipationMode, Registration, RegistrationState,
)
from .. import mail
from ..calendars.registrant import registration_attachment
from .online import visible_links
from .returning import may_register_again
from .tokens import issue_token
from .waitlist import waitlist_position

#: E-mails that carry the calendar entry.
WITH_CALENDAR = {"confirmation", "registered_again", "reminder", "promoted", "approved", "session_promoted",
                 "sessions_changed", "event_reminder"}


def _subject(kind, registration, event):
    state = registration.state
    if kind in ("confirmation", "registered_again"):
        if state == RegistrationState.CONFIRMED:
            return _("Registration confirmed: %(event)s", event=event.title)
        if state == RegistrationState.PENDING:
            return _("Registration received, awaiting approval: %(event)s", event=event.title)
        return _("You are on the waiting list: %(event)s", event=event.title)
    if kind == "event_reminder":
        return _("Reminder: %(event)s is coming soon", event=event.title)
    if kind == "online_link":
        return _("How to join online: %(event)s", event=event.title)
    if kind == "reminder" and not registration.is_active:
        # No link to send: the subject must not promise one.
        return _("About your registration: %(event)s", event=event.title)
    return {
        "reminder": _("Your registration and its link: %(event)s", event=event.title),
        "promoted": _("A place is now yours: %(event)s", event=event.title),
        "session_promoted": _("A place at a session is now yours: %(event)s", event=event.title),
        "approved": _("Registration approved: %(event)s", event=event.title),
        "declined": _("Registration declined: %(event)s", event=event.title),
        "cancelled": _("Registration cancelled: %(event)s", event=event.title),
        "replaced": _("Registration cancelled: %(event)s", event=event.title),
        "sessions_changed": _("Your sessions have changed: %(event)s", event=event.title),
        "email_changed": _("The e-mail address of your registration has changed: %(event)s", event=event.title),
    }[kind]


def _intro(kind, registration, event, position, session, reason):
    """The opening paragraphs, plain strings: the text e-mail prints them, the HTML one escapes them."""
    state, title = registration.state, event.title
    if kind == "registered_again":
        again = _("You had cancelled your registration for %(event)s. You are now registered again, "
                  "under the conditions that apply today.", event=title)
        return [again, *_intro("confirmation", registration, event, position, session, reason)]
    if kind == "reminder" and state == RegistrationState.DECLINED:
        return [_("The organisers declined your registration for %(event)s, so it has no link to manage it. "
                  "If you think this is a mistake, write to the organisers.", event=title)]
    if kind == "reminder" and may_register_again(registration):
        return [_("Your registration for %(event)s is cancelled, so it has no link to manage it any more. "
                  "To take part after all, register again on the event page while registration is open: "
                  "you will be registered under the conditions that apply then.", event=title)]
    if kind == "reminder" and state == RegistrationState.CANCELLED:
        return [_("Your registration for %(event)s was cancelled by the organisers, so it has no link to "
                  "manage it. To take part, write to the organisers.", event=title)]
    if kind == "confirmation" and state == RegistrationState.CONFIRMED:
        return [_("Thank you for registering for %(event)s. Your place is confirmed.", event=title)]
    if kind == "confirmation" and state == RegistrationState.PENDING:
        return [_("Thank you for registering for %(event)s. The organisers review each registration; "
                  "we will write to you when they have decided.", event=title)]
    if kind in ("confirmation", "approved") and state == RegistrationState.WAITLISTED:
        first = (_("Thank you for registering for %(event)s.", event=title) if kind == "confirmation"
                 else _("The organisers have approved your registration for %(event)s.", event=title))
        return [first, _("The event is full for now, so you are on the waiting list, number %(position)d. "
                         "When a place becomes free it goes to the first person in line, and we will tell "
                         "you by e-mail.", position=position)]
    if kind == "declined":
        return [_("The organisers have declined your registration for %(event)s.", event=title),
                _("Their reason: %(reason)s", reason=reason)]
    if kind == "session_promoted":
        return [_("Good news: a place became free at \"%(session)s\" and it is now yours.", session=session.title)]
    if kind == "replaced":
        return [_("The focal point of %(delegation)s has given your place at %(event)s to another member of "
                  "the delegation, so your registration is cancelled.", delegation=registration.delegation.name,
                  event=title)]
    if kind == "email_changed":
        return [_("The e-mail address of your registration for %(event)s is now %(address)s. If you did "
                  "not make this change, write to the organisers at once.", event=title, address=registration.email)]
    if kind == "event_reminder":
        return [_("%(event)s is coming soon. Here is what you need to take part.", event=title),
                _("You take part online: how to join is below. Keep the link to yourself.")
                if registration.mode == ParticipationMode.ONLINE else
                _("You take part in person: please bring your badge (the link is below) to the entrance.")]
    if kind == "online_link":
        return [_("The organisers of %(event)s have set or changed how to join online. Here is the "
                  "up-to-date link; keep it to yourself.", event=title)]
    return [{
        "reminder": _("Here is the link to your registration for %(event)s. If you did not ask for it, "
                      "you can ignore this e-mail: nothing has changed.", event=title),
        "promoted": _("Good news: a place became free for %(event)s and it is now yours. Your registration "
                      "is confirmed.", event=title),
        "approved": _("The organisers have approved your registration for %(event)s. Your place is "
                      "confirmed.", event=title),
        "cancelled": _("Your registration for %(event)s is cancelled. Your place goes to the next person "
                       "waiting.", event=title),
        "sessions_changed": _("Your choice of sessions for %(event)s has changed. Here is where you stand.",
                              event=title),
    }[kind]]


def registration_mail(registration, kind, *, session=None, reason="", recipient=None, defer=False):
    """Queue an e-mail about the registration, with a fresh manage link while it is active.

    `defer`: queue only the message's row now (it waits as PREPARING) and write it, with its
    calendar, after the commit, by prepare_deferred(): so the place lock is not held while the
    e-mail is rendered and a long agenda turned into a calendar.
    A person added by the organisers without an address (and outside a delegation) gets no e-mail.
    """
    if not (recipient or registration.contact_email):
        return None
    if defer:
        if session is not None or reason:
            raise ValueError("only e-mails about the registration as a whole can be deferred")
        message = mail.queue(recipient or registration.contact_email, "", "", "", kind=kind,
                             registration=registration, flush=False)
        message.status = MailStatus.PREPARING
        db.session.flush()
        return message
    subject, text, html = _render(registration, kind, session=session, reason=reason)
    attachments = _calendar(registration) if kind in WITH_CALENDAR and registration.is_active else []
    return mail.queue(recipient or registration.contact_email, subject, text, html, kind=kind,
                      registration=registration, attachments=attachments)


def _render(registration, kind, *, session=None, reason=""):
    """(subject, text, html) of an e-mail about the registration, in the participant's language."""
    event = registration.event
    # The old address, told of a change of address, gets no link to the registration.
    token = issue_token(registration) if registration.is_active and kind != "email_changed" else None
    with force_locale(registration.locale):
        context = dict(
            kind=kind,
            registration=registration,
            event=event,
            policy=event.registration_policy,
            session=session,
            reason=reason,
            position=waitlist_position(registration),
            bookings=[b for b in registration.bookings if b.state != BookingState.CANCELLED],
            manage_url=mail.public_url("registration.manage", token=token) if token else None,
            badge_url=(mail.public_url("registration.badge", token=token)
                       if token and registration.state == RegistrationState.CONFIRMED
                       and registration.mode != ParticipationMode.ONLINE else None),
            # Only to the participant's own address: never to an old address told of a change.
            online_links=visible_links(registration) if token else [],
            event_url=mail.public_url("agenda.event", slug=event.slug),
        )
        context["intro"] = _intro(kind, registration, event, context["position"], session, reason)
        subject = _subject(kind, registration, event)
        text = render_template("email/registration.txt", **context)
        html = render_template("email/registration.html", subject=subject, **context)
    return subject, text, html


def _calendar(registration):
    with force_locale(registration.locale):
        ics = registration_attachment(registration)
    return [] if ics is None else [(f"{registration.reference}.ics", "text/calendar", ics.data)]


#: Deferred e-mails that only make sense while the registration is active.
ACTIVE_ONLY = {"confirmation", "registered_again"}


def prepare_deferred(registration_id=None):
    """Write the e-mails queued with `defer` (text, HTML, calendar) and hand them to the mail worker.

    Called right after the registration's commit (the place lock is released by then), and by the
    mail worker for any message a stopped process left behind. A confirmation whose registration is
    no longer active by then is dropped: the e-mail that ended it says what the participant needs.
    Returns how many were completed.
    """
    query = sa.select(OutboxMessage).where(OutboxMessage.status == MailStatus.PREPARING).order_by(OutboxMessage.id)
    if registration_id is not None:
        query = query.where(OutboxMessage.registration_id == registration_id)
    ready = []
    for message in db.session.scalars(query.with_for_update(skip_locked=True)).all():
        registration = db.session.get(Registration, message.registration_id) if message.registration_id else None
        if registration is None or (message.kind in ACTIVE_ONLY and not registration.is_active):
            db.session.delete(message)
            continue
        message.subject, message.text_body, message.html_body = _render(registration, message.kind)
        message.status = MailStatus.QUEUED  # one UPDATE with the text; delivered only after the commit
        if message.kind in WITH_CALENDAR:
            for name, ctype, data in _calendar(registration):  # a new message has no attachment yet: none to load
                db.session.add(OutboxAttachment(outbox_message_id=message.id, filename=name, content_type=ctype, data=data))
        ready.append(message.id)
    db.session.flush()
    db.session.info.setdefault("outbox_new", []).extend(ready)  # delivered at once if so configured
    return len(ready)


def email_change_mail(change, token):
    """Ask the new address to confirm itself before the registration uses it."""
    registration = change.registration
    with force_locale(registration.locale):
        context = dict(
            registration=registration,
            event=registration.event,
            change=change,
            confirm_url=mail.public_url("registration.confirm_email", token=token),
        )
        subject = _("Please confirm your new e-mail address: %(event)s", event=registration.event.title)
        text = render_template("email/email_change.txt", **context)
        html = render_template("email/email_change.html", subject=subject, **context)
    return mail.queue(change.new_email, subject, text, html, kind="email_change", registration=registration)
