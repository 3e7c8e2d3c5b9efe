"""Version counters of what the public sees, bumped in the same transaction as each change."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .agenda import UTCDateTime, utcnow

#: The event_id of the row that counts changes seen on every page (the demo notice, the event list).
SITE = 0


class PublicVersion(db.Model):
    """How many times the public pages of an event (or of the whole site, event_id 0) changed.

    No foreign key: the site row has no event, and a deleted event's row is harmless.
    """

    __tablename__ = "public_versions"

    event_id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    version: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    changed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)  #: UTC

    def __repr__(self):
        return f"<PublicVersion {self.event_id} v{self.version}>"
