"""The awards embargo and the public awards queries: no result leaves here before its release.

Every public page, feed and export reads entries through `public_entries()`. Before the results
are released its query does not even select the status column: winners and commended entries come
back exactly like finalists, in an order that does not depend on the status, so nothing in a page
(text, class, attribute, order, count) can tell them apart.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import abort

from ...extensions import db
from ...models import AwardCategory, AwardEntry, CeremonyItem, EntryStatus, EventSession, utcnow
from ..agenda import pages as agenda

#: After release: winners first, then certified/commended entries, then the other finalists.
RESULT_RANK = {EntryStatus.WINNER: 0, EntryStatus.COMMENDED: 1, EntryStatus.FINALIST: 2}


def results_released(programme, now=None):
    """Whether the results are public: released by hand, or the release time has come."""
    if programme.is_released:
        return True
    now = now or utcnow()
    return programme.release_at is not None and now >= programme.release_at


@dataclass(frozen=True)
class PublicEntry:
    """An entry as the public may see it; `status` is "finalist" for every entry before release."""

    category_id: int
    title: str
    organisation: str
    region: str
    summary: str
    link_url: str
    is_sample: bool
    status: str


@dataclass(frozen=True)
class PublicCategory:
    slug: str
    name: str
    description: str
    is_sample: bool
    entries: tuple[PublicEntry, ...]

    def with_status(self, status):
        return [e for e in self.entries if e.status == status]


@dataclass(frozen=True)
class PublicCeremonyItem:
    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    is_sample: bool
    category_slug: str | None
    category_name: str | None


@dataclass(frozen=True)
class CeremonySession:
    """An agenda session and the running-order items that take place in it."""

    session: EventSession
    items: tuple[PublicCeremonyItem, ...]


@dataclass(frozen=True)
class PublicProgramme:
    title: str
    introduction: str
    is_sample: bool
    released: bool
    release_at: datetime | None  #: shown as "results from ..." while embargoed


@dataclass(frozen=True)
class AwardsPage:
    programme: PublicProgramme
    categories: tuple[PublicCategory, ...]
    ceremony: tuple[CeremonySession, ...]


@dataclass(frozen=True)
class CategoryPage:
    programme: PublicProgramme
    category: PublicCategory
    ceremony: tuple[CeremonySession, ...]  #: the items presenting this category


def public_programme_or_404(slug):
    """The published event and its published awards programme, or a 404."""
    event = agenda.published_event_or_404(slug)
    programme = event.awards_programme
    if programme is None or not programme.is_published:
        abort(404)
    return event, programme


def public_programme(programme, now=None):
    """What the public may know about the programme itself."""
    released = results_released(programme, now)
    return PublicProgramme(
        title=programme.title,
        introduction=programme.introduction,
        is_sample=programme.is_sample,
        released=released,
        release_at=None if released else programme.release_at,
    )


def public_entries(programme, now=None, category_ids=None):
    """Shortlisted entries of the programme as the public may see them now, in display order."""
    released = results_released(programme, now)
    columns = [
        AwardEntry.category_id,
        AwardEntry.title,
        AwardEntry.organisation,
        AwardEntry.region,
        AwardEntry.summary,
        AwardEntry.link_url,
        AwardEntry.is_sample,
    ]
    if released:
        columns.append(AwardEntry.status)  # only ever selected once the results are public
    query = (
        sa.select(*columns)
        .join(AwardCategory, AwardCategory.id == AwardEntry.category_id)
        .where(
            AwardCategory.programme_id == programme.id,
            AwardEntry.status.in_(EntryStatus.SHORTLIST),
        )
        .order_by(sa.func.lower(AwardEntry.title), sa.func.lower(AwardEntry.organisation), AwardEntry.id)
    )
    if category_ids is not None:
        query = query.where(AwardEntry.category_id.in_(category_ids))
    rows = db.session.execute(query).all()
    if not released:
        return [PublicEntry(*row, status=EntryStatus.FINALIST) for row in rows]
    entries = [PublicEntry(*row) for row in rows]
    return sorted(entries, key=lambda e: RESULT_RANK[e.status])  # stable: keeps the title order


def _categories(programme, now, slug=None):
    query = sa.select(AwardCategory).where(AwardCategory.programme_id == programme.id)
    if slug is not None:
        query = query.where(AwardCategory.slug == slug)
    categories = db.session.scalars(query.order_by(AwardCategory.position, AwardCategory.id)).all()
    if not categories:
        return []
    entries = public_entries(programme, now, category_ids=[c.id for c in categories])
    return [
        PublicCategory(
            slug=c.slug,
            name=c.name,
            description=c.description,
            is_sample=c.is_sample,
            entries=tuple(e for e in entries if e.category_id == c.id),
        )
        for c in categories
    ]


def ceremony(programme, category_slug=None):
    """The running order, grouped by the agenda session it happens in, in time order."""
    query = (
        sa.select(
            EventSession,
            CeremonyItem.title,
            CeremonyItem.kind,
            CeremonyItem.starts_at,
            CeremonyItem.ends_at,
            CeremonyItem.is_sample,
            AwardCategory.slug,
            AwardCategory.name,
        )
        .join(EventSession, EventSession.id == CeremonyItem.session_id)
        .outerjoin(AwardCategory, AwardCategory.id == CeremonyItem.category_id)
        .where(CeremonyItem.programme_id == programme.id, EventSession.event_id == programme.event_id)
        .order_by(EventSession.starts_at, EventSession.id, CeremonyItem.starts_at, CeremonyItem.ends_at, CeremonyItem.id)
    )
    if category_slug is not None:
        query = query.where(AwardCategory.slug == category_slug)
    groups = {}
    for session, *item in db.session.execute(query):
        groups.setdefault(session, []).append(PublicCeremonyItem(*item))
    return tuple(CeremonySession(session=s, items=tuple(items)) for s, items in groups.items())


def awards_page(programme, now=None):
    """Everything the public awards page shows, embargo applied."""
    now = now or utcnow()
    return AwardsPage(
        programme=public_programme(programme, now),
        categories=tuple(_categories(programme, now)),
        ceremony=ceremony(programme),
    )


def category_page_or_404(programme, category_slug, now=None):
    """One category with its public entries and the items presenting it, or a 404."""
    now = now or utcnow()
    found = _categories(programme, now, slug=category_slug)
    if not found:
        abort(404)
    return CategoryPage(
        programme=public_programme(programme, now),
        category=found[0],
        ceremony=ceremony(programme, category_slug=category_slug),
    )


def session_hosts_ceremony(session):
    """Whether running-order items of a published awards programme take place in this session."""
    programme = session.event.awards_programme
    if programme is None or not programme.is_published:
        return False
    return bool(
        db.session.scalar(
            sa.select(sa.exists().where(CeremonyItem.session_id == session.id))
        )
    )
