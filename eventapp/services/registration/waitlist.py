"""Where a person stands on the waiting list: read by the capacity rules and by the e-mails alike."""
from __future__ import annotations

import sqlalchemy as sa

from ...extensions import db
from ...models import Registration, RegistrationState


def count(query):
    """How many rows a select would return."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))


def waitlist_position(registration):
    """1 for the first in line, or None when not on the waiting list."""
    if registration.state != RegistrationState.WAITLISTED:
        return None
    return 1 + count(
        sa.select(Registration.id).where(
            Registration.event_id == registration.event_id,
            Registration.mode == registration.mode,
            Registration.state == RegistrationState.WAITLISTED,
            sa.or_(
                Registration.waitlisted_at < registration.waitlisted_at,
                sa.and_(
                    Registration.waitlisted_at == registration.waitlisted_at,
                    Registration.id < registration.id,
                ),
            ),
        )
    )
