"""Signed-in sessions kept on the server, so that signing out ends every copy of the cookie."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .agenda import UTCDateTime, utcnow


class LoginSession(db.Model):
    """One sign-in of an account: the cookie holds a random key, the table its SHA-256 only.

    Every /manage request checks that the row still exists; signing out deletes it, and disabling
    an account or changing its password deletes all of the account's rows. Every app server reads
    the same table, so a copied cookie stops working everywhere at once.
    """

    __tablename__ = "login_sessions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    key_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)  #: SHA-256 of the cookie's key
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self):
        return f"<LoginSession {self.id} user {self.user_id}>"
