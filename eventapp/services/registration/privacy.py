"""A registrant's own data: download it, delete it; purge past events; the public list of organisations.

Erasing keeps the row with no personal data left (state, way of taking part, stakeholder group,
country and dates), so the event's anonymous counts stay right, while names, addresses, needs,
manage links, e-mails, answers to the event's own questions and history notes are gone.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...extensions import db
from ...taxonomy import N_
from ...models import (
    Delegation, EmailChange, MessageRecipient, OutboxAttachment, OutboxMessage, Registration, RegistrationChange,
    RegistrationState, RegistrationToken,
)
from .. import audit
from . import answer_display
from . import answers as answer_rules
from . import capacity
from .addresses import email_key
from ..errors import ValidationFailed

PARTICIPANT = "participant"


def _iso(value):
    return value.isoformat() if value is not None else None


def _delegation(registration):
    """The delegation a member belongs to; the focal point's address only if it is the member's own."""
    delegation = registration.delegation
    if delegation is None:
        return None
    focal_point = {"name": delegation.focal_name.strip()}
    if registration.email and email_key(registration.email) == email_key(delegation.focal_email or ""):
        focal_point.update(email=delegation.focal_email, is_you=True)
    return {"name": delegation.name, "stakeholder_group": delegation.stakeholder_group,
            "country_code": delegation.country_code, "focal_point": focal_point}


def export_data(registration):
    """Everything kept about the registration, as a JSON-ready dict."""
    event = registration.event
    return {
        "event": {"title": event.title, "slug": event.slug, "starts_at": _iso(event.starts_at)},
        "delegation": _delegation(registration),
        "registration": {
            "reference": registration.reference,
            "state": registration.state,
            "mode": registration.mode,
            "first_name": registration.first_name,
            "last_name": registration.last_name,
            "email": registration.email,
            "organisation": registration.organisation,
            "job_title": registration.job_title,
            "stakeholder_group": registration.stakeholder_group,
            "country_code": registration.country_code,
            "accessibility_needs": registration.accessibility_needs,
            "dietary_requirements": registration.dietary_requirements,
            "organisation_listed_publicly": registration.listed_publicly,
            "language": registration.locale,
            "privacy_consent_at": _iso(registration.privacy_consent_at),
            "created_at": _iso(registration.created_at),
            "updated_at": _iso(registration.updated_at),
            "checked_in_at": _iso(registration.checked_in_at),
        },
        "answers": answer_display.export_answers(registration),
        "sessions": [
            {"title": b.session.title, "starts_at": _iso(b.session.starts_at), "state": b.state}
            for b in registration.bookings
        ],
        "history": [
            {"at": _iso(h.at), "from": h.from_state, "to": h.to_state, "reason": h.reason,
             "session": h.session_id}
            for h in registration.history
        ],
        "emails": [
            {"subject": m.subject, "kind": m.kind, "status": m.status, "created_at": _iso(m.created_at),
             "sent_at": _iso(m.sent_at)}
            for m in db.session.scalars(
                sa.select(OutboxMessage).where(OutboxMessage.registration_id == registration.id)
                .order_by(OutboxMessage.id)
            )
        ],
    }


def erase_registrations(registration_ids, now):
    """Remove the personal data of these registrations, keeping the anonymous rows."""
    if not registration_ids:
        return 0
    for chunk_start in range(0, len(registration_ids), 500):
        ids = registration_ids[chunk_start:chunk_start + 500]
        for table in (RegistrationToken, EmailChange):
            db.session.execute(sa.delete(table).where(table.registration_id.in_(ids)))
        answer_rules.erase_answers(ids)
        mails = sa.select(OutboxMessage.id).where(OutboxMessage.registration_id.in_(ids))
        db.session.execute(sa.delete(OutboxAttachment).where(OutboxAttachment.outbox_message_id.in_(mails)))
        db.session.execute(
            sa.update(MessageRecipient).where(MessageRecipient.outbox_message_id.in_(mails)).values(outbox_message_id=None)
        )
        db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.registration_id.in_(ids)))
        db.session.execute(
            sa.update(MessageRecipient).where(MessageRecipient.registration_id.in_(ids)).values(name="", email="")
        )
        db.session.execute(
            sa.update(RegistrationChange).where(RegistrationChange.registration_id.in_(ids)).values(reason="")
        )
        db.session.execute(
            sa.update(Registration)
            .where(Registration.id.in_(ids))
            .values(
                first_name="", last_name="", organisation="", job_title="",
                accessibility_needs="", dietary_requirements="", listed_publicly=False,
                email="", email_key="erased-" + sa.cast(Registration.id, sa.String),
                search_text=sa.func.lower(Registration.reference),  # the desk's search keeps no name either
                erased_at=now,
            )
            .execution_options(synchronize_session=False)
        )
    db.session.expire_all()
    return len(registration_ids)


def delete_registration(registration, *, now=None):
    """The registrant deletes their registration: the place goes to the waiting list, their data goes."""
    now = now or datetime.now(timezone.utc)
    policy = capacity.lock_policy(registration.event)
    if registration.erased_at is not None:
        return
    if registration.is_active:
        capacity.release(policy, registration, RegistrationState.CANCELLED,
                         reason=N_("Deleted by the participant"), actor=PARTICIPANT)
    db.session.flush()
    erase_registrations([registration.id], now)


def purge_event(event, older_than_days, *, now=None, actor=None):
    """Erase the personal data of a past event's registrations; how many were erased."""
    now = now or datetime.now(timezone.utc)
    if older_than_days < 0:
        raise ValidationFailed(_l("The number of days cannot be negative."))
    if event.ends_at > now - timedelta(days=older_than_days):
        raise ValidationFailed(
            _l("%(event)s ended less than %(days)d days ago: nothing was removed.", event=event.title,
               days=older_than_days)
        )
    ids = db.session.scalars(
        sa.select(Registration.id).where(Registration.event_id == event.id, Registration.erased_at.is_(None))
    ).all()
    erased = erase_registrations(list(ids), now)
    # The focal points' own names and addresses go too; the delegations' names stay (organisations).
    db.session.execute(
        sa.update(Delegation).where(Delegation.event_id == event.id).values(
            focal_first_name="", focal_last_name="", focal_email="",
            token_hash="erased-" + sa.cast(Delegation.id, sa.String),
        ).execution_options(synchronize_session=False)
    )
    db.session.expire_all()
    audit.record(actor, "registrations.purge", event=event, target=event.slug, details={"erased": erased})
    return erased


def anonymous_counts(event):
    """Registrations by state, by way of taking part and by stakeholder group (no personal data)."""
    def grouped(column):
        return dict(db.session.execute(
            sa.select(column, sa.func.count()).where(Registration.event_id == event.id).group_by(column)
        ).all())

    return {"state": grouped(Registration.state), "mode": grouped(Registration.mode),
            "stakeholder_group": grouped(Registration.stakeholder_group),
            "checked_in": db.session.scalar(sa.select(sa.func.count(Registration.checked_in_at))
                                            .where(Registration.event_id == event.id))}


def public_organisations(event):
    """Organisations of confirmed participants who agreed to be listed, each once, sorted."""
    names = db.session.scalars(
        sa.select(Registration.organisation).where(
            Registration.event_id == event.id,
            Registration.state == RegistrationState.CONFIRMED,
            Registration.listed_publicly.is_(True),
            Registration.erased_at.is_(None),
            Registration.organisation != "",
        )
    ).all()
    unique = {}
    for name in names:
        unique.setdefault(" ".join(name.split()).casefold(), " ".join(name.split()))
    return sorted(unique.values(), key=str.casefold)

