"""Changing a registration's e-mail address: it takes effect once confirmed from the new mailbox."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...extensions import db
from ...models import EmailChange, Registration
from . import capacity
from .addresses import email_key
from . import notices
from .tokens import hash_token, new_token
from ..errors import DomainError
from ...taxonomy import N_

#: How long the confirmation link for a new address works.
CONFIRMATION_VALID_FOR = timedelta(days=2)


class EmailChangeRefused(DomainError):
    status_code = 409


def request_email_change(registration, new_email, *, now=None):
    """Keep the new address aside and send it a confirmation link; earlier requests lapse."""
    now = now or datetime.now(timezone.utc)
    db.session.execute(
        sa.delete(EmailChange).where(
            EmailChange.registration_id == registration.id, EmailChange.confirmed_at.is_(None)
        )
    )
    token = new_token()
    change = EmailChange(
        registration=registration,
        new_email=new_email,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + CONFIRMATION_VALID_FOR,
    )
    db.session.add(change)
    db.session.flush()
    notices.email_change_mail(change, token)
    return change


def pending_email_change(token, *, now=None):
    """The unconfirmed, unexpired change a confirmation link points to, or None."""
    if not token or len(token) > 100:
        return None
    now = now or datetime.now(timezone.utc)
    return db.session.scalar(
        sa.select(EmailChange).where(
            EmailChange.token_hash == hash_token(token),
            EmailChange.confirmed_at.is_(None),
            EmailChange.expires_at > now,
        )
    )


def confirm_email_change(change, *, now=None):
    """Use the confirmed address from now on, and tell the old address about it."""

    now = now or datetime.now(timezone.utc)
    registration = change.registration
    capacity.lock_policy(registration.event)
    if change.confirmed_at is not None:
        raise EmailChangeRefused(_l("This address has already been confirmed."))
    taken = db.session.scalar(
        sa.select(sa.exists().where(
            Registration.event_id == registration.event_id,
            Registration.email_key == email_key(change.new_email),
            Registration.id != registration.id,
        ))
    )
    if taken:
        raise EmailChangeRefused(_l("This address already has its own registration for this event."))
    old_address = registration.email
    registration.email = change.new_email
    registration.email_key = email_key(change.new_email)
    change.confirmed_at = now
    capacity.record(
        registration, registration.state, reason=N_("E-mail address changed"), actor="participant",
        from_state=registration.state,
    )
    db.session.flush()
    notices.registration_mail(registration, "email_changed", recipient=old_address)
    notices.registration_mail(registration, "reminder")
    return registration
