"""What organisers do at the registrations desk: approve, decline, move from the waiting list,
cancel, edit, and the same decisions in bulk on a filtered selection.

The rules (places, waiting lists, promotion, the e-mails people receive) are those of
services/registration.py and services/capacity.py; this module only adds who decided, the
audit log entry, and the bulk loop. Nothing here commits.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...extensions import db
from ...taxonomy import N_
from ...models import Registration, RegistrationState
from .. import audit
from ..registration import capacity
from . import search as desk
from ..registration import notices
from ..registration import register as registrations
from ..errors import DomainError, ValidationFailed

APPROVE, DECLINE = "approve", "decline"
BULK_ACTIONS = (APPROVE, DECLINE)
#: Which registrations a bulk action may change; the others in the selection are left alone.
BULK_ELIGIBLE = {
    APPROVE: (RegistrationState.PENDING,),
    DECLINE: RegistrationState.ACTIVE,
}


def actor_label(user):
    """How the registration's history names an organiser."""
    return f"organiser:{getattr(user, 'email', '') or 'command line'}"


def _audit(user, action, registration, **details):
    audit.record(user, action, event=registration.event, target=registration.reference,
                 details={"registration_id": registration.id, **details})


def approve(registration, user):
    registrations.approve(registration, actor=actor_label(user))
    _audit(user, "registration.approve", registration, state=registration.state)


def decline(registration, reason, user):
    """Decline, and e-mail the person the reason."""
    registrations.decline(registration, reason=reason, actor=actor_label(user))
    _audit(user, "registration.decline", registration, reason=(reason or "").strip())


def cancel(registration, reason, user):
    registrations.cancel(registration, reason=(reason or "").strip() or "Cancelled by the organisers",
                         actor=actor_label(user))
    _audit(user, "registration.cancel", registration, reason=(reason or "").strip())


def move_from_waiting_list(registration, user, *, over_capacity=False):
    """Confirm a person on the waiting list now, and tell them by e-mail."""
    policy = capacity.lock_policy(registration.event)
    capacity.confirm_from_waiting_list(policy, registration, actor=actor_label(user), over_capacity=over_capacity)
    notices.registration_mail(registration, "promoted")
    _audit(user, "registration.promote", registration, over_capacity=bool(over_capacity))


EDITABLE = registrations.DETAILS + ("country", "email", "mode")


def edit(registration, data, user):
    """Correct a person's details; a new address is used at once and the old one is told.

    Unlike the participant's own edit, the deadline for changes does not apply. A change of
    the way of taking part follows the capacity rule (a confirmed person moves into a free place only).
    """
    policy = capacity.lock_policy(registration.event)
    if not registration.is_active and data.get("mode") and data["mode"] != registration.mode:
        raise ValidationFailed(_l("The way of taking part of an ended registration cannot change."))
    before = {name: getattr(registration, name) for name in registrations.DETAILS}
    before.update(country=registration.country_code, email=registration.email, mode=registration.mode)
    for name in registrations.DETAILS:
        if name in data:
            setattr(registration, name, (data.get(name) or "").strip())
    if data.get("country"):
        registration.country_code = data["country"]
    old_email = registration.email
    new_email = (data.get("email") or "").strip()
    if new_email and registrations.email_key(new_email) != registration.email_key:
        taken = db.session.scalar(sa.select(sa.exists().where(
            Registration.event_id == registration.event_id,
            Registration.email_key == registrations.email_key(new_email),
            Registration.id != registration.id,
        )))
        if taken:
            raise ValidationFailed(_l("Another registration for this event uses that e-mail address."))
        registration.email, registration.email_key = new_email, registrations.email_key(new_email)
    elif new_email:
        registration.email = new_email
    if data.get("mode") and policy.is_hybrid and registration.is_active:
        capacity.change_mode(policy, registration, data["mode"], actor=actor_label(user))
    after = {name: getattr(registration, name) for name in registrations.DETAILS}
    after.update(country=registration.country_code, email=registration.email, mode=registration.mode)
    changed = sorted(name for name in after if after[name] != before[name])
    if not changed:
        return []
    capacity.record(registration, registration.state, reason=N_("Details edited") + ": " + ", ".join(changed),
                    actor=actor_label(user), from_state=registration.state)
    db.session.flush()
    if "email" in changed and registrations.email_key(old_email) != registration.email_key:
        if old_email:  # a person added without an address has no old one to tell
            notices.registration_mail(registration, "email_changed", recipient=old_email)
        notices.registration_mail(registration, "reminder")
    _audit(user, "registration.update", registration, fields=changed)
    return changed


@dataclass
class BulkPlan:
    """What a bulk action would do on the selection: those it changes and those it leaves."""

    action: str
    eligible: list = field(default_factory=list)  #: ids, in the list's order
    skipped: int = 0

    @property
    def count(self):
        return len(self.eligible)


def plan_bulk(event, desk_filter, action):
    """The registrations of the filtered selection the action applies to (one query)."""
    if action not in BULK_ACTIONS:
        raise ValidationFailed(_l("Unknown action."))
    rows = db.session.execute(
        desk.query(event, desk_filter, columns=(Registration.id, Registration.state))
    ).all()
    eligible = [row.id for row in rows if row.state in BULK_ELIGIBLE[action]]
    return BulkPlan(action=action, eligible=eligible, skipped=len(rows) - len(eligible))


@dataclass
class BulkResult:
    done: int = 0
    failed: list = field(default_factory=list)  #: (reference, message)


def run_bulk(event, desk_filter, action, user, *, reason="", expected=None):
    """Apply the action to exactly the filtered selection; refuse if it changed since it was shown."""
    plan = plan_bulk(event, desk_filter, action)
    if expected is not None and expected != plan.count:
        raise SelectionChanged(_l("The selection has changed since you looked at it: please check it again."))
    if action == DECLINE and not (reason or "").strip():
        raise ValidationFailed(_l("Please give the reason for declining."))
    result = BulkResult()
    actor = actor_label(user)
    for registration_id in plan.eligible:
        registration = db.session.get(Registration, registration_id)
        try:  # each rule checks the state before changing anything
            if action == APPROVE:
                registrations.approve(registration, actor=actor)
            else:
                registrations.decline(registration, reason=reason, actor=actor)
        except DomainError as exc:
            result.failed.append((registration.reference, str(exc)))
        else:
            result.done += 1
    audit.record(user, f"registrations.bulk_{action}", event=event, target=f"{result.done} registrations",
                 details={"filter": desk_filter.to_args(), "done": result.done, "failed": len(result.failed),
                          "reason": (reason or "").strip()})
    return result


class SelectionChanged(DomainError):
    status_code = 409
