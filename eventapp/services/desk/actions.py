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
from flask_babel import lazy_ngettext

from ...extensions import db
from ...taxonomy import N_
from ...models import ParticipationMode, Registration, RegistrationState
from .. import audit
from ..registration import capacity
from . import search as desk
from ..registration import notices
from ..registration import register as registrations
from ..errors import DomainError, ValidationFailed

APPROVE, DECLINE, PROMOTE = "approve", "decline", "promote"
BULK_ACTIONS = (APPROVE, PROMOTE, DECLINE)
#: Which registrations a bulk action may change; the others in the selection are left alone.
BULK_ELIGIBLE = {
    APPROVE: (RegistrationState.PENDING,),
    PROMOTE: (RegistrationState.WAITLISTED,),
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


def earlier_pending(registration):
    """How many registrations awaiting approval were made before this one (approving in order is fairest)."""
    if registration.state != RegistrationState.PENDING:
        return 0
    return capacity.count(sa.select(Registration.id).where(
        Registration.event_id == registration.event_id,
        Registration.state == RegistrationState.PENDING,
        sa.or_(Registration.created_at < registration.created_at,
               sa.and_(Registration.created_at == registration.created_at, Registration.id < registration.id)),
    ))


def move_from_waiting_list(registration, user, *, over_capacity=False):
    """Confirm a person on the waiting list now, and tell them by e-mail.

    A free place goes to the first in line: moving someone further back needs `over_capacity`,
    the organiser's deliberate choice to take one more person.
    """
    policy = capacity.lock_policy(registration.event)
    position = capacity.waitlist_position(registration)
    if not over_capacity and position and position > 1 and capacity.places_left(policy, registration.mode) != 0:
        raise NotFirstInLine(lazy_ngettext(
            "%(num)d person is ahead on the waiting list: a free place goes to the first in line. "
            "Confirm over capacity to take this person as well.",
            "%(num)d people are ahead on the waiting list: a free place goes to the first in line. "
            "Confirm over capacity to take this person as well.", position - 1))
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
    """What a bulk action would do on the selection: those it changes, in the order it changes them.

    Approval and promotion give places first come, first served: approval in the order people
    registered, promotion in the waiting list's order. `confirmed` and `waitlisted` forecast where
    each person of `eligible` ends up, by the same rule the action applies.
    """

    action: str
    eligible: list = field(default_factory=list)  #: ids, in the order the action takes them
    skipped: int = 0
    confirmed: list = field(default_factory=list)  #: ids that get a place
    waitlisted: list = field(default_factory=list)  #: ids that go to (or stay on) the waiting list
    places: int | None = None  #: free places the action can give, None when no limit applies

    @property
    def count(self):
        return len(self.eligible)

    @property
    def runs_out(self):
        """Not everyone of the selection gets a place."""
        return bool(self.waitlisted)

    def outcome(self, registration_id):
        if registration_id in self.confirmed:
            return "confirmed"
        if registration_id in self.waitlisted:
            return "waitlisted"
        return ""


#: The order in which each action takes the registrations: first come, first served.
BULK_ORDER = {
    APPROVE: (Registration.created_at, Registration.id),
    DECLINE: (Registration.created_at, Registration.id),
    PROMOTE: (Registration.waitlisted_at, Registration.created_at, Registration.id),
}


def _forecast(plan, policy, rows, *, over_capacity=False):
    """Split the eligible rows into those who get a place and those who wait, mode by mode."""
    places_total = None
    modes = {row.mode for row in rows}
    for mode in [m for m in ParticipationMode.ALL if m in modes]:
        in_mode = [row.id for row in rows if row.mode == mode]
        left = capacity.places_left(policy, mode)
        # A newcomer never overtakes people already waiting for a place in the same mode.
        if (plan.action == APPROVE and left is not None
                and capacity.registrations_in(policy, mode, RegistrationState.WAITLISTED)):
            left = 0
        if plan.action == PROMOTE and over_capacity:
            left = None
        if left is not None:
            places_total = (places_total or 0) + min(left, len(in_mode))
        take = in_mode if left is None else in_mode[:left]
        plan.confirmed.extend(take)
        plan.waitlisted.extend(in_mode[len(take):])
    plan.places = places_total


def plan_bulk(event, desk_filter, action, *, over_capacity=False):
    """The registrations of the selection the action applies to, in first-come order, and where each ends up."""
    if action not in BULK_ACTIONS:
        raise ValidationFailed(_l("Unknown action."))
    rows = db.session.execute(
        desk.query(event, desk_filter, columns=(Registration.id, Registration.state, Registration.mode))
        .order_by(None).order_by(*BULK_ORDER[action])
    ).all()
    eligible = [row for row in rows if row.state in BULK_ELIGIBLE[action]]
    plan = BulkPlan(action=action, eligible=[row.id for row in eligible], skipped=len(rows) - len(eligible))
    if action in (APPROVE, PROMOTE) and eligible and event.registration_policy is not None:
        _forecast(plan, event.registration_policy, eligible, over_capacity=over_capacity)
    return plan


@dataclass
class BulkResult:
    done: int = 0
    confirmed: int = 0
    waitlisted: int = 0
    failed: list = field(default_factory=list)  #: (reference, message)


def run_bulk(event, desk_filter, action, user, *, reason="", expected=None, over_capacity=False):
    """Apply the action to exactly the selection, first come first served; refuse if it changed since it was shown."""
    plan = plan_bulk(event, desk_filter, action, over_capacity=over_capacity)
    if expected is not None and expected != plan.count:
        raise SelectionChanged(_l("The selection has changed since you looked at it: please check it again."))
    if action == DECLINE and not (reason or "").strip():
        raise ValidationFailed(_l("Please give the reason for declining."))
    result = BulkResult()
    actor = actor_label(user)
    policy = capacity.lock_policy(event) if action == PROMOTE else None
    for registration_id in plan.eligible:
        registration = db.session.get(Registration, registration_id)
        try:  # each rule checks the state before changing anything
            if action == APPROVE:
                registrations.approve(registration, actor=actor)
            elif action == PROMOTE:
                if not over_capacity and capacity.places_left(policy, registration.mode) == 0:
                    result.waitlisted += 1  # stays in its place in the queue
                    continue
                capacity.confirm_from_waiting_list(policy, registration, actor=actor, over_capacity=over_capacity)
                notices.registration_mail(registration, "promoted")
            else:
                registrations.decline(registration, reason=reason, actor=actor)
        except DomainError as exc:
            result.failed.append((registration.reference, str(exc)))
        else:
            result.done += 1
            if registration.state == RegistrationState.CONFIRMED:
                result.confirmed += 1
            elif registration.state == RegistrationState.WAITLISTED:
                result.waitlisted += 1
    audit.record(user, f"registrations.bulk_{action}", event=event, target=f"{result.done} registrations",
                 details={"filter": desk_filter.to_args(), "done": result.done, "failed": len(result.failed),
                          "confirmed": result.confirmed, "waitlisted": result.waitlisted,
                          "reason": (reason or "").strip()})
    return result


class SelectionChanged(DomainError):
    status_code = 409


class NotFirstInLine(DomainError):
    status_code = 409
