"""Delegations: a group registered together by its focal point, each member a registration of its own."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .agenda import Event, UTCDateTime, utcnow


class Delegation(db.Model):
    """A Permanent Mission, a ministry or an organisation's team, registered by one focal point."""

    __tablename__ = "delegations"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("events.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))  #: e.g. "Permanent Mission of Ecuador"
    stakeholder_group: so.Mapped[str] = so.mapped_column(sa.String(40))
    country_code: so.Mapped[str] = so.mapped_column(sa.String(2))  #: ISO 3166-1 alpha-2
    focal_first_name: so.Mapped[str] = so.mapped_column(sa.String(100))
    focal_last_name: so.Mapped[str] = so.mapped_column(sa.String(100))
    focal_email: so.Mapped[str] = so.mapped_column(sa.String(254))  #: receives for members without an address
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)  #: SHA-256 of the delegation link
    locale: so.Mapped[str] = so.mapped_column(sa.String(8), default="en")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    event: so.Mapped[Event] = so.relationship()
    members: so.Mapped[list["Registration"]] = so.relationship(  # noqa: F821
        back_populates="delegation", order_by="Registration.id"
    )

    @property
    def focal_name(self):
        return f"{self.focal_first_name} {self.focal_last_name}"

    def __repr__(self):
        return f"<Delegation {self.id} {self.name!r}>"
