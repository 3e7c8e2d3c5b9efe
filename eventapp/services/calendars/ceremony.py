"""The awards ceremony's running order as a calendar feed, built by the shared calendar builder.

Each running-order item is one VEVENT in the event's time zone, with the UID it keeps for life
and its own SEQUENCE. Before the results are released nothing in the calendar depends on who
won: entries are read through `awards.public_entries()` only, and winners are named in the
descriptions only once the results are public. The release changes the bytes (and so the ETag)
and moves LAST-MODIFIED to the release.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from ...extensions import db
from ...i18n import CEREMONY_KIND_LABELS
from ...models import CeremonyItem, CeremonyItemKind, EntryStatus, EventSession, utcnow
from ...urls import url_builder
from ..awards import programme as awards
from . import ical


def feed_items(programme):
    """The programme's running-order items with their session and category, in time order (one query)."""
    return db.session.scalars(
        sa.select(CeremonyItem)
        .join(EventSession, EventSession.id == CeremonyItem.session_id)
        .where(CeremonyItem.programme_id == programme.id, EventSession.event_id == programme.event_id)
        .options(so.contains_eager(CeremonyItem.session).joinedload(EventSession.room),
                 so.joinedload(CeremonyItem.category))
        .order_by(CeremonyItem.starts_at, CeremonyItem.ends_at, CeremonyItem.id)
    ).unique().all()


def released_since(programme, now):
    """When the results became public (UTC), or None while they are under embargo."""
    if not awards.results_released(programme, now):
        return None
    moments = []
    if programme.release_at is not None and programme.release_at <= now:
        moments.append(programme.release_at)
    if programme.is_released:
        moments.append(programme.updated_at)  # released by hand: the programme changed then
    return min(moments)


def _results(programme, now):
    """{category id: [entry lines]} of winners and commended entries; empty under embargo."""
    if not awards.results_released(programme, now):
        return {}
    lines = {}
    for entry in awards.public_entries(programme, now):
        if entry.status in EntryStatus.RESULTS:
            who = ", ".join(part for part in (entry.title, entry.organisation) if part)
            label = _("Winner") if entry.status == EntryStatus.WINNER else _("Certified / commended")
            lines.setdefault(entry.category_id, []).append(f"- {who} ({label})")
    return lines


def _description(item, results, names, page_url):
    blocks = [_("Sample data: invented for the demonstration.")] if item.is_sample else []
    kind = str(CEREMONY_KIND_LABELS.get(item.kind, item.kind))
    if kind != item.title:
        blocks.append(kind)
    if item.category is not None:
        blocks.append(_("Award category: %(name)s", name=item.category.name))
    blocks.append(_("Part of the session “%(session)s”.", session=item.session.title))
    if item.kind == CeremonyItemKind.WINNERS and results:
        for category_id, name in names.items():
            if category_id in results:
                blocks.append("\n".join([name, *results[category_id]]))
    elif item.category is not None and item.category_id in results:
        blocks.append("\n".join([_("Results:"), *results[item.category_id]]))
    blocks.append(page_url)
    return "\n\n".join(blocks)


def calendar_data(event, programme, *, feed_url, now=None) -> ical.CalendarData:
    """What the ceremony calendar says now: the same values always give the same bytes."""
    now = now or utcnow()
    url = url_builder()
    zone = ZoneInfo(event.timezone)
    items = feed_items(programme)
    results = _results(programme, now)
    released_at = released_since(programme, now)
    names = {c.id: c.name for c in programme.categories}
    page_url = url("awards.programme", slug=event.slug)
    events = []
    for item in items:
        item_url = (url("awards.category", slug=event.slug, category_slug=item.category.slug)
                    if item.category is not None else page_url)
        stamp = item.updated_at
        if released_at is not None and (item.kind == CeremonyItemKind.WINNERS or item.category_id in results):
            stamp = max(stamp, released_at)  # its description changed at the release
        session = item.session
        title = _("Cancelled: %(title)s", title=item.title) if session.is_cancelled else item.title
        events.append(ical.VEventData(
            uid=item.uid,
            stamp=stamp,
            created=min(programme.created_at, item.updated_at),
            sequence=item.sequence,
            start=item.starts_at.astimezone(zone),
            end=item.ends_at.astimezone(zone),
            summary=title,
            description=_description(item, results, names, item_url),
            location=ical.location(event, session),
            url=item_url,
            category=str(CEREMONY_KIND_LABELS.get(item.kind, item.kind)),
            status=ical.session_status(event, session),
            alarm_minutes=None,
        ))
    starts = [i.starts_at for i in items] or [event.starts_at]
    ends = [i.ends_at for i in items] or [event.ends_at]
    modified = [event.updated_at, programme.updated_at, *(e.stamp for e in events)]
    if released_at is not None:
        modified.append(released_at)
    return ical.CalendarData(
        tzid=event.timezone,
        years=(min(starts).astimezone(zone).year, max(ends).astimezone(zone).year),
        name=_("%(programme)s: ceremony running order", programme=programme.title),
        description="",
        url=page_url,
        source=feed_url,
        last_modified=max(modified),
        events=tuple(events),
    )


def calendar_bytes(event, programme, *, feed_url, now=None) -> tuple[bytes, datetime]:
    """(the calendar as bytes, its last modification in UTC)."""
    data = calendar_data(event, programme, feed_url=feed_url, now=now)
    return ical.serialise(data), data.last_modified


def calendar_filename(event):
    """e.g. idm-2024-geneva-awards-ceremony.ics"""
    return ical.calendar_filename(event).removesuffix(".ics") + "-awards-ceremony.ics"
