"""Hybrid events: the online participation link, and who may see it.

The event has one link (a livestream or meeting address, an optional passcode and instructions);
a session may have its own. Only confirmed online participants see them: on their own page and in
their e-mails. Nothing public reads the `online_links` table (event, agenda and session pages,
calendar feeds, exports, the API), and in-person, pending or waiting participants never see a link.

Changing a link e-mails each confirmed online participant who can see it, once per saved change.
The e-mail itself is written by `notices.registration_mail`, which the caller passes in as `mailer`:
notices shows the links, so this module cannot import it back.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from ...extensions import db
from ...models import (
    BookingState,
    EventSession,
    OnlineLink,
    ParticipationMode,
    Registration,
    RegistrationState,
    SessionBooking,
    SessionStatus,
    utcnow,
)
from .. import audit
from ..errors import ValidationFailed

LINK_FIELDS = ("url", "passcode", "instructions")
#: The longest reminder lead an organiser may set: 60 days.
MAX_REMINDER_HOURS = 24 * 60
MAIL_KIND = "online_link"


@dataclass(frozen=True)
class JoinLink:
    """What a participant needs to join online; `session` is None for the event's own link."""

    url: str
    passcode: str
    instructions: str
    session: EventSession | None = None


def event_link(event):
    """The event's own online link, or None."""
    return db.session.scalar(
        sa.select(OnlineLink).where(OnlineLink.event_id == event.id, OnlineLink.session_id.is_(None))
    )


def session_links(event):
    """{session id: link} for the sessions of the event that have a link of their own."""
    rows = db.session.scalars(
        sa.select(OnlineLink).where(OnlineLink.event_id == event.id, OnlineLink.session_id.is_not(None))
    )
    return {link.session_id: link for link in rows}


def sees_links(registration):
    """Only a confirmed online participant whose data is kept sees the online links."""
    return (
        registration.state == RegistrationState.CONFIRMED
        and registration.mode == ParticipationMode.ONLINE
        and registration.erased_at is None
    )


def _session_visible(session, booked):
    if session.status == SessionStatus.CANCELLED:
        return False
    return not session.requires_registration or session.id in booked


def visible_links(registration):
    """The links this registration may see: the event's first, then sessions' own, by start time."""
    if not sees_links(registration):
        return []
    event = registration.event
    rows = db.session.scalars(
        sa.select(OnlineLink)
        .outerjoin(EventSession, EventSession.id == OnlineLink.session_id)
        .where(OnlineLink.event_id == event.id)
        .options(so.contains_eager(OnlineLink.session))
        .order_by(OnlineLink.session_id.is_not(None), EventSession.starts_at, OnlineLink.id)
    ).all()
    booked = {b.session_id for b in registration.bookings if b.state == BookingState.CONFIRMED}
    return [
        JoinLink(row.url, row.passcode, row.instructions, row.session)
        for row in rows
        if row.session_id is None or _session_visible(row.session, booked)
    ]


def link_recipients(event, session=None):
    """Confirmed online participants who see the event's link (or that session's link)."""
    query = (
        sa.select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.state == RegistrationState.CONFIRMED,
            Registration.mode == ParticipationMode.ONLINE,
            Registration.erased_at.is_(None),
        )
        .order_by(Registration.id)
    )
    if session is not None and session.requires_registration:
        query = query.where(
            sa.exists().where(
                SessionBooking.registration_id == Registration.id,
                SessionBooking.session_id == session.id,
                SessionBooking.state == BookingState.CONFIRMED,
            )
        )
    return db.session.scalars(query).all()


def _clean(data):
    """Check the link's shape; refusals name the field they are about."""
    url = (data.get("url") or "").strip()
    passcode = (data.get("passcode") or "").strip()
    instructions = (data.get("instructions") or "").strip()
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
            raise ValidationFailed(_l("Give a full web address starting with https:// (or http://)."), field="url")
        if len(url) > 1000:
            raise ValidationFailed(_l("The web address is too long (1000 characters at most)."), field="url")
    elif passcode or instructions:
        raise ValidationFailed(_l("Give the web address too, or empty the passcode and instructions."), field="url")
    if len(passcode) > 100:
        raise ValidationFailed(_l("The passcode is too long (100 characters at most)."), field="passcode")
    if len(instructions) > 5000:
        raise ValidationFailed(_l("The instructions are too long (5000 characters at most)."), field="instructions")
    return {"url": url, "passcode": passcode, "instructions": instructions}


def _store(event, session, values):
    """Create, change or remove one link; returns the names of the fields that changed."""
    query = sa.select(OnlineLink).where(OnlineLink.event_id == event.id)
    query = query.where(OnlineLink.session_id == session.id) if session is not None else query.where(
        OnlineLink.session_id.is_(None))
    link = db.session.scalar(query)
    before = {key: getattr(link, key) if link else "" for key in LINK_FIELDS}
    changed = [key for key in LINK_FIELDS if before[key] != values[key]]
    if not changed:
        return []
    if not values["url"]:
        db.session.delete(link)
    else:
        if link is None:
            link = OnlineLink(event_id=event.id, session_id=session.id if session is not None else None)
            db.session.add(link)
        for key in LINK_FIELDS:
            setattr(link, key, values[key])
        link.updated_at = utcnow()
    db.session.flush()
    return changed


def _tell(event, mailer):
    """One e-mail to each confirmed online participant: it lists every link they see."""
    recipients = link_recipients(event)
    for registration in recipients:
        mailer(registration, MAIL_KIND)
    return len(recipients)


def _reminder_hours(value):
    if value is None:
        return None
    if not isinstance(value, int) or value < 1 or value > MAX_REMINDER_HOURS:
        raise ValidationFailed(
            _l("Give a whole number of hours between 1 and %(most)d, or leave it empty for no reminder.",
               most=MAX_REMINDER_HOURS), field="reminder_hours_before")
    return value


def save_event_online(event, data, user, *, mailer):
    """Save the event's online link and reminder lead time; returns how many participants were e-mailed.

    `data`: url, passcode, instructions, reminder_hours_before (None: no reminder). A new or changed
    link (not a removed one) is e-mailed once to each confirmed online participant through `mailer`.
    """
    policy = event.registration_policy
    if policy is None:
        raise ValidationFailed(_l("Save the registration settings above first."))
    values = _clean(data)
    hours = _reminder_hours(data.get("reminder_hours_before"))
    changed = _store(event, None, values)
    hours_before = policy.reminder_hours_before
    policy.reminder_hours_before = hours
    told = _tell(event, mailer) if changed and values["url"] else 0
    if changed or hours_before != hours:
        audit.record(user, "registration.online", event=event, target=event.title,
                     details={"link_changed": changed, "removed": bool(changed) and not values["url"],
                              "reminder_hours_before": [hours_before, hours], "told": told})
    db.session.flush()
    return told


def save_session_links(event, links, user, *, mailer):
    """Save sessions' own links ({session id: {url, passcode, instructions}}); returns e-mails queued.

    Nothing is stored if one of them is refused: the refusal's field is "<field>-<session id>".
    """
    sessions = {s.id: s for s in db.session.scalars(
        sa.select(EventSession).where(EventSession.event_id == event.id))}
    cleaned = {}
    for session_id, data in links.items():
        if session_id not in sessions:
            raise ValidationFailed(_l("That session is not part of this event."))
        try:
            cleaned[session_id] = _clean(data)
        except ValidationFailed as exc:
            raise ValidationFailed(str(exc), field=f"{exc.field}-{session_id}") from None
    recipients = {}
    for session_id, values in cleaned.items():
        session = sessions[session_id]
        changed = _store(event, session, values)
        if not changed:
            continue
        if values["url"]:
            recipients.update((r.id, r) for r in link_recipients(event, session))
        audit.record(user, "session.online", event=event, target=session.title,
                     details={"session_id": session_id, "link_changed": changed, "removed": not values["url"]})
    # One e-mail each, however many sessions changed: it lists every link the person sees.
    for registration in recipients.values():
        mailer(registration, MAIL_KIND)
    db.session.flush()
    return len(recipients)
