"""The audit log: who changed what and when, written in the same transaction as the change."""
import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from ..models import AuditEntry


def record(actor, action, *, event=None, target="", details=None):
    """Add one entry; `actor` is the signed-in user (None for the command line)."""
    entry = AuditEntry(
        user_id=getattr(actor, "id", None),
        user_email=getattr(actor, "email", "") or "command line",
        event=event,
        action=action,
        target=(target or "")[:300],
        details=details or {},
    )
    db.session.add(entry)
    return entry


def entries(event_id=None, limit=200):
    """The newest entries first, for the admins' page."""
    query = sa.select(AuditEntry).options(so.joinedload(AuditEntry.event)).order_by(
        AuditEntry.at.desc(), AuditEntry.id.desc()
    )
    if event_id:
        query = query.where(AuditEntry.event_id == event_id)
    return db.session.scalars(query.limit(limit)).all()
