"""A registrant's own agenda as a calendar: the same builder as the public feeds.

Used by the registrant feed (/registrations/<calendar token>/calendar.ics) and by the .ics
attached to registration e-mails, so both carry exactly the same session data. The feed is
reached with a calendar-only token, never the manage link: calendars get shared.
"""
import hashlib
import hmac
import json

from flask import current_app
from flask_babel import get_locale

from ..numbers import parse_id
from ...i18n import BOOKING_STATE_LABELS, REGISTRATION_STATE_LABELS
from ...models import BookingState
from .. import public_cache
from ..agenda import pages as agenda
from . import ical

CALENDAR_TOKEN_PREFIX = "cal-"


def registrant_sessions(registration):
    """The published sessions the registrant is booked on, each with their status label.

    Sessions that take no registration of their own come with the registration itself; the
    others only where the registrant holds (or waits for) a place. A registration that is no
    longer active has an empty calendar, so subscribed copies disappear.
    """
    if not registration.is_active:
        return [], {}
    event = registration.event
    bookings = {b.session_id: b for b in registration.bookings if b.state != BookingState.CANCELLED}
    event_label = str(REGISTRATION_STATE_LABELS[registration.state])
    chosen, statuses = [], {}
    for item in agenda.event_sessions(event):
        if item.requires_registration:
            booking = bookings.get(item.id)
            if booking is None:
                continue
            statuses[item.id] = str(BOOKING_STATE_LABELS[booking.state])
        else:
            statuses[item.id] = event_label
        chosen.append(item)
    return chosen, statuses


def status_versions(registration, sessions):
    """Session id -> (changes of the status shown on its entry, when the last one happened).

    A registrant's entry shows their status (confirmed, waiting, ...); each change of it raises
    the entry's SEQUENCE and DTSTAMP, so a client that holds an older copy replaces it. Sessions
    with their own booking count that booking's changes; the others the registration's.
    """
    counts = _status_changes(registration)
    return {
        item.id: counts.get(item.id if item.requires_registration else None, (0, None))
        for item in sessions
    }


def _status_changes(registration):
    """Session id (None: the registration itself) -> (changes after the first status, when the last was).

    The first entry is the status the registrant started with, not a change of it: without a
    change the entry keeps the session's own stamp, so registrants in the same state share bytes.
    """
    counts = {}
    for change in registration.history:
        number, latest = counts.get(change.session_id, (0, None))
        counts[change.session_id] = (number + 1, max(filter(None, [latest, change.at])))
    return {key: ((number - 1, at) if number > 1 else (0, None)) for key, (number, at) in counts.items()}


def registration_attachment(registration):
    """The .ics for a registration e-mail (None without sessions to show).

    No METHOD, ORGANIZER or ATTENDEE, so no client treats it as an invitation. Registrants with
    the same state and bookings get the same bytes, so they are built once per published version
    of the agenda and kept in the page cache (nothing personal is in them).
    """
    if not registration.is_active:
        return None
    store = current_app.extensions.get("public_cache")
    key = _attachment_key(registration) if store is not None else None
    if key is not None:
        meta, data = store.get(key, "identity")
        if meta is not None and data is not None:
            return ical.Attachment(meta["filename"], meta["content_type"], data) if meta["filename"] else None
    sessions, statuses = registrant_sessions(registration)
    attachment = (ical.email_attachment(registration.event, sessions, statuses=statuses,
                                        versions=status_versions(registration, sessions))
                  if sessions else None)
    if key is not None:
        meta = {"filename": attachment.filename if attachment else "", "content_type": attachment.content_type if attachment else ""}
        store.put(key, meta, {"identity": attachment.data if attachment else b""}, ATTACHMENT_CACHE_SECONDS)
    return attachment


#: How long a built attachment is kept; a change to the agenda makes a new key before that.
ATTACHMENT_CACHE_SECONDS = 24 * 3600


def _attachment_key(registration):
    """What the attachment depends on: the agenda's version, the language, the state, bookings, status changes."""
    if public_cache.has_uncommitted_changes():
        return None  # built from changes not yet committed: not kept
    version = public_cache.page_version(registration.event.slug, same_transaction=True)
    if version is None:
        return None
    bookings = sorted((b.session_id, b.state) for b in registration.bookings if b.state != BookingState.CANCELLED)
    statuses = sorted((sid or 0, number, at.isoformat()) for sid, (number, at) in _status_changes(registration).items()
                      if number)
    raw = json.dumps([version.token, str(get_locale()), registration.state, bookings, statuses])
    return "ics:" + hashlib.sha256(raw.encode()).hexdigest()


def _signature(registration_id):
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"registrant-calendar:{registration_id}".encode(), hashlib.sha256).hexdigest()
    return digest[:40]  # 160 bits


def calendar_token(registration):
    """The token of the registrant's feed: opens the calendar only, not the registration."""
    return f"{CALENDAR_TOKEN_PREFIX}{registration.id}-{_signature(registration.id)}"


def registration_by_calendar_token(token):
    """The registration whose feed this token opens, or None."""
    from ...extensions import db
    from ...models import Registration

    if not token.startswith(CALENDAR_TOKEN_PREFIX) or len(token) > 80:
        return None
    number, _, signature = token[len(CALENDAR_TOKEN_PREFIX):].partition("-")
    if parse_id(number) is None or not hmac.compare_digest(signature, _signature(int(number))):
        return None
    return db.session.get(Registration, int(number))
