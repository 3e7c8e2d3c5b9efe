"""Messages to registrants: write, preview, then send one copy per person through the outbox.

Each copy is written in the registrant's language and carries their own, fresh manage link; the
message and the list of people it went to are kept as a log.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from itertools import groupby
from types import SimpleNamespace

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import render_template
from markupsafe import escape
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l

from ...extensions import db
from ...models import Message, MessageRecipient, RegistrationState
from .. import audit, mail
from ..errors import NotFound, ValidationFailed
from .recipients import Filters, count_registrants, select_registrants
from ..registration.tokens import issue_token

KIND = "message"
#: Shown instead of a real link in the preview: a preview must not create manage links.
PREVIEW_LINK = "https://…/registrations/…"


class RecipientsChanged(ValidationFailed):
    status_code = 409


@dataclass
class Preview:
    count: int
    names: list  #: the first few recipients, to check the filter
    subject: str
    text: str  #: the first recipient's copy, with a placeholder link


def _check(subject, body):
    if not (subject or "").strip():
        raise ValidationFailed(_l("Please write a subject."))
    if not (body or "").strip():
        raise ValidationFailed(_l("Please write the message."))


#: Stand-ins for each person's own values: the copy is rendered once per language, then filled in.
#: Each rendering draws a fresh random marker, so no text an organiser writes can act as a stand-in.
FIELDS = ("first_name", "reference", "manage_url", "badge_url")


def _layout(event, subject, body, with_badge):
    """The text and HTML of a copy with stand-ins for the person's values; the caller sets the language."""
    marker = secrets.token_hex(8)
    slot = {name: f"@@{marker}:{name}@@" for name in FIELDS}
    context = dict(
        registration=SimpleNamespace(first_name=slot["first_name"], reference=slot["reference"],
                                     locale=str(get_locale())),
        event=event,
        subject=subject,
        body=body,
        manage_url=slot["manage_url"],
        badge_url=slot["badge_url"] if with_badge else None,
        event_url=mail.public_url("agenda.event", slug=event.slug),
    )
    pattern = re.compile(f"@@{marker}:(" + "|".join(FIELDS) + ")@@")
    return render_template("email/message.txt", **context), render_template("email/message.html", **context), pattern


def _fill(layout, values):
    """One person's copy: their values in place of the stand-ins (escaped in the HTML)."""
    text, html, pattern = layout
    return (pattern.sub(lambda m: values[m.group(1)] or "", text),
            pattern.sub(lambda m: str(escape(values[m.group(1)] or "")), html))


def _copy(registration, subject, body, manage_url, badge_url):
    """The text and HTML of one person's copy; the caller sets their language."""
    layout = _layout(registration.event, subject, body, badge_url is not None)
    return _fill(layout, dict(first_name=registration.first_name, reference=registration.reference,
                              manage_url=manage_url, badge_url=badge_url))


def preview_message(event, filters: Filters, subject, body, limit=10):
    """How many people the message would reach, who the first are, and the first copy."""
    _check(subject, body)
    registrants = select_registrants(event, filters)
    if not registrants:
        raise ValidationFailed(_l("Nobody matches these filters."))
    first = registrants[0]
    with force_locale(first.locale):
        text, _html = _copy(first, subject.strip(), body.strip(), PREVIEW_LINK, None)
    return Preview(len(registrants), [r.full_name for r in registrants[:limit]], subject.strip(), text)


def send_message(event, filters: Filters, subject, body, actor, *, expected_count=None):
    """Queue one copy per matching registrant and log to whom; refuses if the set changed since the preview."""
    _check(subject, body)
    subject, body = subject.strip(), body.strip()
    registrants = select_registrants(event, filters)
    if not registrants:
        raise ValidationFailed(_l("Nobody matches these filters."))
    if expected_count is not None and expected_count != len(registrants):
        raise RecipientsChanged(
            _l("The people matching these filters changed since the preview (%(before)d, now %(now)d): "
               "please check the preview again.", before=expected_count, now=len(registrants))
        )
    message = Message(
        event=event,
        subject=subject,
        body=body,
        filters=filters.to_dict(),
        sent_by_id=getattr(actor, "id", None),
        sent_by=getattr(actor, "email", "") or "",
        recipient_count=len(registrants),
    )
    db.session.add(message)
    by_locale = sorted(registrants, key=lambda r: r.locale or "en")
    for locale, group in groupby(by_locale, key=lambda r: r.locale or "en"):
        with force_locale(locale):
            layouts = {with_badge: _layout(event, subject, body, with_badge) for with_badge in (False, True)}
            for registration in group:
                if not registration.contact_email:
                    continue  # added by the organisers without an address: nobody to write to
                token = issue_token(registration)
                confirmed = registration.state == RegistrationState.CONFIRMED
                text, html = _fill(layouts[confirmed], dict(
                    first_name=registration.first_name,
                    reference=registration.reference,
                    manage_url=mail.public_url("registration.manage", token=token),
                    badge_url=mail.public_url("registration.badge", token=token) if confirmed else None,
                ))
                queued = mail.queue(registration.contact_email, subject, text, html, kind=KIND,
                                    registration=registration, flush=False)
                message.recipients.append(MessageRecipient(
                    registration_id=registration.id,
                    reference=registration.reference,
                    name=registration.full_name,
                    email=registration.contact_email,
                    outbox_message=queued,
                ))
    message.recipient_count = len(message.recipients)
    audit.record(actor, "message.send", event=event, target=subject,
                 details={"recipients": message.recipient_count, "filters": filters.to_dict()})
    db.session.flush()
    return message


def event_messages(event):
    """The event's messages, newest first."""
    return db.session.scalars(
        sa.select(Message).where(Message.event_id == event.id).order_by(Message.sent_at.desc(), Message.id.desc())
    ).all()


def event_message(event, message_id):
    """One message of the event with its recipients and their delivery state."""
    message = db.session.scalar(
        sa.select(Message)
        .where(Message.id == message_id, Message.event_id == event.id)
        .options(so.selectinload(Message.recipients).joinedload(MessageRecipient.outbox_message))
    )
    if message is None:
        raise NotFound(_l("No such message."))
    return message


__all__ = ["Filters", "count_registrants", "preview_message", "send_message", "event_messages", "event_message"]
