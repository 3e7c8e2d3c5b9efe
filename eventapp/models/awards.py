"""Database tables: an event's awards programme, its categories, entries and ceremony running order."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .agenda import Event, EventSession, UTCDateTime, new_uid, utcnow


class EntryStatus:
    NOMINATED = "nominated"
    FINALIST = "finalist"
    WINNER = "winner"
    COMMENDED = "commended"  #: certified or commended
    ALL = (NOMINATED, FINALIST, WINNER, COMMENDED)
    #: Statuses the public may see at all (nominations stay with the organisers).
    SHORTLIST = (FINALIST, WINNER, COMMENDED)
    #: Statuses that are results: secret until the programme's results are released.
    RESULTS = (WINNER, COMMENDED)


class CeremonyItemKind:
    WELCOME = "welcome"
    CATEGORY = "category"  #: presentation of a category, optionally linked to it
    KEYNOTE = "keynote"
    WINNERS = "winners"  #: announcement of the winners
    RECEPTION = "reception"
    OTHER = "other"
    ALL = (WELCOME, CATEGORY, KEYNOTE, WINNERS, RECEPTION, OTHER)


class AwardsProgramme(db.Model):
    """A recognition programme run at an event, e.g. "2024 Knowledge Fair & Impact Awards @ IOM"."""

    __tablename__ = "awards_programmes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("events.id"), unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(300))
    introduction: so.Mapped[str] = so.mapped_column(sa.Text, default="")  #: plain text, as EventSection.body
    is_published: so.Mapped[bool] = so.mapped_column(default=False)  #: shown to the public
    is_released: so.Mapped[bool] = so.mapped_column(default=False)  #: results released by hand
    release_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)  #: UTC; results public from then on
    is_sample: so.Mapped[bool] = so.mapped_column(default=False)  #: holds invented demo data
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: so.Mapped[Event] = so.relationship(back_populates="awards_programme")
    categories: so.Mapped[list[AwardCategory]] = so.relationship(
        back_populates="programme",
        cascade="all, delete-orphan",
        order_by="(AwardCategory.position, AwardCategory.id)",
    )
    ceremony_items: so.Mapped[list[CeremonyItem]] = so.relationship(
        back_populates="programme",
        cascade="all, delete-orphan",
        order_by="(CeremonyItem.starts_at, CeremonyItem.id)",
    )

    def __repr__(self):
        return f"<AwardsProgramme {self.id} {self.title!r}>"


class AwardCategory(db.Model):
    __tablename__ = "award_categories"
    __table_args__ = (sa.UniqueConstraint("programme_id", "slug"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    programme_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("awards_programmes.id"), index=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(100))  #: the URL value, unique in its programme
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    position: so.Mapped[int] = so.mapped_column(default=0)
    is_sample: so.Mapped[bool] = so.mapped_column(default=False)

    programme: so.Mapped[AwardsProgramme] = so.relationship(back_populates="categories")
    entries: so.Mapped[list[AwardEntry]] = so.relationship(
        back_populates="category", cascade="all, delete-orphan", order_by="AwardEntry.id"
    )

    def __repr__(self):
        return f"<AwardCategory {self.slug}>"


class AwardEntry(db.Model):
    """An initiative entered in a category; its status is secret to the public until release."""

    __tablename__ = "award_entries"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    category_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("award_categories.id", ondelete="CASCADE"), index=True
    )
    title: so.Mapped[str] = so.mapped_column(sa.String(300))  #: the initiative
    organisation: so.Mapped[str] = so.mapped_column(sa.String(300), default="")  #: office or partnership
    region: so.Mapped[str] = so.mapped_column(sa.String(200), default="")  #: country or region
    summary: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    link_url: so.Mapped[str] = so.mapped_column(sa.String(500), default="")  #: http(s) only, or empty
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=EntryStatus.NOMINATED)
    is_sample: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    category: so.Mapped[AwardCategory] = so.relationship(back_populates="entries")

    def __repr__(self):
        return f"<AwardEntry {self.id} {self.title!r}>"


class CeremonyItem(db.Model):
    """One timed item of the ceremony's running order, inside an agenda session."""

    __tablename__ = "ceremony_items"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    uid: so.Mapped[str] = so.mapped_column(sa.String(36), unique=True, default=new_uid)  #: calendar UID, never changes
    programme_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("awards_programmes.id"), index=True)
    session_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("event_sessions.id", ondelete="CASCADE"), index=True
    )
    category_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("award_categories.id", ondelete="SET NULL"), index=True
    )
    title: so.Mapped[str] = so.mapped_column(sa.String(300))
    kind: so.Mapped[str] = so.mapped_column(sa.String(20), default=CeremonyItemKind.OTHER)
    starts_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)  #: UTC, inside the session
    ends_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)  #: UTC, inside the session
    is_sample: so.Mapped[bool] = so.mapped_column(default=False)
    sequence: so.Mapped[int] = so.mapped_column(default=0)  #: iCalendar SEQUENCE
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)  #: last change people see

    programme: so.Mapped[AwardsProgramme] = so.relationship(back_populates="ceremony_items")
    session: so.Mapped[EventSession] = so.relationship()
    category: so.Mapped[AwardCategory | None] = so.relationship()

    def __repr__(self):
        return f"<CeremonyItem {self.id} {self.title!r}>"
