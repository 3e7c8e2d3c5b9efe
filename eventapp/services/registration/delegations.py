"""Delegations: a focal point registers a group, each member a full registration of their own.

Places are counted per person, in the order the members are listed, under the event's
registration lock (capacity.lock_policy), exactly as for one person: when the places run out
part-way, the remaining members go to the waiting list in that order. The focal point keeps the
delegation up to date from a private link (256 random bits, only a hash stored) until the
deadline for changes; replacing a member hands the place over, it never goes back to the queue.

Every function flushes and leaves the commit to its caller.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...extensions import db
from ...models import (
    ApprovalMode, BookingState, Delegation, ParticipationMode, Registration, RegistrationState, SessionBooking,
)
from .. import mail
from ..errors import DomainError, ValidationFailed
from ...taxonomy import N_
from . import capacity, member_answers, notices
from .addresses import email_key
from .availability import changes_close_at, closes_at
from .register import ChangesClosed, InvalidState, RegistrationClosed, _chosen_sessions, new_reference
from .tokens import hash_token, new_token

FOCAL_POINT = "focal point"
MAX_MEMBERS = 30


class DelegationsNotAccepted(DomainError):
    status_code = 403


@dataclass
class Outcome:
    delegation: Delegation
    token: str  #: the delegation link's secret, shown once and e-mailed
    confirmed: list = field(default_factory=list)
    waitlisted: list = field(default_factory=list)
    pending: list = field(default_factory=list)


def _now(now):
    return now or datetime.now(timezone.utc)


def no_address_key():
    """A unique stand-in for the address key of a member without an e-mail address."""
    return "no-address-" + secrets.token_hex(12)


def _check_addresses(event, members):
    """Refuse an address used twice in the list or already registered for the event (field: members-N-email)."""
    seen = {}
    for index, member in enumerate(members):
        address = (member.get("email") or "").strip()
        if not address:
            continue
        key = email_key(address)
        if key in seen:
            raise ValidationFailed(_l("This address is given for two members."), field=f"members-{index}-email")
        seen[key] = index
    if not seen:
        return
    taken = set(db.session.scalars(
        sa.select(Registration.email_key).where(
            Registration.event_id == event.id, Registration.email_key.in_(list(seen)))
    ))
    for key in taken:
        raise ValidationFailed(_l("Someone is already registered with this address: they keep their own "
                                  "registration."), field=f"members-{seen[key]}-email")


def _new_member(policy, delegation, member, *, now, questions, index=0, mode=None):
    """A member's registration with their answers, not placed yet; the delegation gives organisation, group, country.

    `questions` are the event's questions loaded once for the whole list; wrong answers raise
    MemberAnswersInvalid (naming the member by `index`) before any place is taken.
    """
    address = (member.get("email") or "").strip()
    if mode is None:
        mode = member.get("mode") if policy.is_hybrid and member.get("mode") else ParticipationMode.IN_PERSON
    registration = Registration(
        event=policy.event,
        delegation=delegation,
        reference=new_reference(policy),
        state=RegistrationState.PENDING,
        mode=mode,
        email=address,
        email_key=email_key(address) if address else no_address_key(),
        first_name=(member.get("first_name") or "").strip(),
        last_name=(member.get("last_name") or "").strip(),
        job_title=(member.get("job_title") or "").strip(),
        organisation=delegation.name,
        stakeholder_group=delegation.stakeholder_group,
        country_code=delegation.country_code,
        privacy_consent_at=now,  # given by the focal point for the delegation
        locale=delegation.locale,
    )
    db.session.add(registration)
    for session in _chosen_sessions(policy.event, member.get("sessions") or []):
        registration.bookings.append(SessionBooking(session=session, state=BookingState.PENDING))
    db.session.flush()
    member_answers.save_member_answers(registration, member.get("answers"), questions, index=index)
    return registration


def _place_member(policy, registration, reason):
    if policy.approval_mode == ApprovalMode.MODERATED:
        capacity.record(registration, RegistrationState.PENDING, reason=reason, actor=FOCAL_POINT)
    else:
        capacity.place(policy, registration, reason=reason, actor=FOCAL_POINT, is_new=True)


def _sort(outcome, registration):
    {RegistrationState.CONFIRMED: outcome.confirmed, RegistrationState.WAITLISTED: outcome.waitlisted}.get(
        registration.state, outcome.pending).append(registration)


def register_delegation(event, data, members, *, locale="en", now=None):
    """Register a delegation and its members in the order listed; members beyond the places wait."""
    now = _now(now)
    policy = capacity.lock_policy(event)
    event = policy.event
    if not policy.accepts_delegations:
        raise DelegationsNotAccepted(_l("This event does not take delegation registrations."))
    if (policy.opens_at is not None and now < policy.opens_at) or now >= closes_at(policy):
        raise RegistrationClosed(_l("Registration for this event is not open."))
    if not members:
        raise ValidationFailed(_l("Please list at least one member of the delegation."), field="members")
    if len(members) > MAX_MEMBERS:
        raise ValidationFailed(_l("A delegation has at most %(max)d members.", max=MAX_MEMBERS), field="members")
    _check_addresses(event, members)
    token = new_token()
    delegation = Delegation(
        event=event, name=data["name"].strip(), stakeholder_group=data["stakeholder_group"],
        country_code=data["country"], focal_first_name=data["focal_first_name"].strip(),
        focal_last_name=data["focal_last_name"].strip(), focal_email=data["focal_email"].strip(),
        token_hash=hash_token(token), locale=locale,
    )
    db.session.add(delegation)
    outcome = Outcome(delegation, token)
    questions = member_answers.event_questions(event)
    for index, member in enumerate(members):
        registration = _new_member(policy, delegation, member, now=now, questions=questions, index=index)
        _place_member(policy, registration, N_("Registered by the delegation's focal point"))
        notices.registration_mail(registration, "confirmation")
        _sort(outcome, registration)
    delegation_mail(delegation, token, "registered")
    return outcome


def delegation_by_token(token):
    """The delegation a focal point's link opens, or None."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(sa.select(Delegation).where(Delegation.token_hash == hash_token(token)))


def can_change(delegation, now=None):
    policy = delegation.event.registration_policy
    return policy is not None and _now(now) < changes_close_at(policy)


def _check_changes_open(delegation, now):
    if not can_change(delegation, now):
        raise ChangesClosed(_l("The deadline for changes has passed."))


def member_of(delegation, registration_id):
    """One active member of this delegation, or a refusal."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.delegation_id != delegation.id:
        raise InvalidState(_l("This person is not a member of the delegation."))
    if not registration.is_active:
        raise InvalidState(_l("This registration is no longer active."))
    return registration


def active_members(delegation):
    return [m for m in delegation.members if m.is_active]


def add_member(delegation, member, *, now=None):
    """The focal point adds a member, who takes a free place or joins the end of the waiting list."""
    now = _now(now)
    policy = capacity.lock_policy(delegation.event)
    _check_changes_open(delegation, now)
    if len(active_members(delegation)) >= MAX_MEMBERS:
        raise ValidationFailed(_l("A delegation has at most %(max)d members.", max=MAX_MEMBERS), field="members")
    _check_addresses(delegation.event, [member])
    registration = _new_member(policy, delegation, member, now=now,
                               questions=member_answers.event_questions(delegation.event))
    _place_member(policy, registration, N_("Added by the delegation's focal point"))
    notices.registration_mail(registration, "confirmation")
    return registration


def replace_member(delegation, registration_id, member, *, now=None):
    """Someone else takes a member's place: same state, same place in the queue, same sessions.

    The person replaced is cancelled without freeing the place, so nobody on the waiting list is
    promoted; the newcomer gets a reference, badge and link of their own.
    """
    now = _now(now)
    policy = capacity.lock_policy(delegation.event)
    _check_changes_open(delegation, now)
    old = member_of(delegation, registration_id)
    _check_addresses(delegation.event, [member])
    new = _new_member(policy, delegation, dict(member, sessions=[]), now=now, mode=old.mode,
                      questions=member_answers.event_questions(delegation.event))
    capacity.record(new, old.state, reason=N_("Took the place of a member of the delegation"), actor=FOCAL_POINT)
    new.state, new.waitlisted_at = old.state, old.waitlisted_at
    for booking in old.bookings:
        if booking.state == BookingState.CANCELLED:
            continue
        new.bookings.append(SessionBooking(session=booking.session, state=booking.state,
                                           waitlisted_at=booking.waitlisted_at))
        booking.state = BookingState.CANCELLED
        capacity.record(old, BookingState.CANCELLED, reason=N_("Replaced in the delegation"), actor=FOCAL_POINT,
                        session=booking.session)
    previous = old.state
    old.state, old.waitlisted_at = RegistrationState.CANCELLED, None
    capacity.record(old, RegistrationState.CANCELLED, reason=N_("Replaced in the delegation"), actor=FOCAL_POINT,
                    from_state=previous)
    db.session.flush()
    notices.registration_mail(new, "confirmation")
    if old.email:  # the focal point made the change; a member without an address has nobody else to tell
        notices.registration_mail(old, "replaced")
    return new


def remove_member(delegation, registration_id, *, now=None):
    """The focal point removes a member; the place goes to the first person waiting."""
    now = _now(now)
    policy = capacity.lock_policy(delegation.event)
    _check_changes_open(delegation, now)
    registration = member_of(delegation, registration_id)
    capacity.release(policy, registration, RegistrationState.CANCELLED, reason=N_("Removed from the delegation"),
                     actor=FOCAL_POINT)
    notices.registration_mail(registration, "cancelled")
    return registration


def delegation_mail(delegation, token, kind):
    """E-mail the focal point the delegation's link and where each member stands."""
    event = delegation.event
    with force_locale(delegation.locale):
        context = dict(
            delegation=delegation, event=event, kind=kind,
            members=delegation.members,
            positions={m.id: capacity.waitlist_position(m) for m in delegation.members},
            delegation_url=mail.public_url("registration.delegation", token=token),
            event_url=mail.public_url("agenda.event", slug=event.slug),
            policy=event.registration_policy,
        )
        subject = _("Your delegation's registration: %(event)s", event=event.title)
        text = render_template("email/delegation.txt", **context)
        html = render_template("email/delegation.html", subject=subject, **context)
    return mail.queue(delegation.focal_email, subject, text, html, kind="delegation")


def send_delegation_link(delegation):
    """A new delegation link, e-mailed to the focal point (earlier links stop working)."""
    token = new_token()
    delegation.token_hash = hash_token(token)
    db.session.flush()
    return delegation_mail(delegation, token, "link")
