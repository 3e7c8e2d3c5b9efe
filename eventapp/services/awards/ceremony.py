"""The ceremony's running order: timed items, each inside the agenda session it takes place in.

Functions flush and leave the commit to the caller (one commit per request).
"""
from __future__ import annotations

from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlalchemy.orm as so
from babel.dates import format_date, format_time
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...extensions import db
from ...models import (
    AwardCategory, AwardEntry, CeremonyItem, CeremonyItemKind, EntryStatus, EventSession, utcnow,
)
from . import programme as awards
from .manage import clean_text
from ...formatting import format_locale, zone_city
from ..errors import DomainError, ValidationFailed


def _locale():
    return format_locale()


def session_window(session):
    """A session's local times, e.g. "17:30–18:30 (Geneva time) on 25 November 2024"."""
    zone = ZoneInfo(session.event.timezone)
    return _("%(start)s–%(end)s (%(zone)s time) on %(date)s",
             start=format_time(session.starts_at, "HH:mm", tzinfo=zone, locale=_locale()),
             end=format_time(session.ends_at, "HH:mm", tzinfo=zone, locale=_locale()),
             zone=zone_city(session.event),
             date=format_date(session.starts_at.astimezone(zone).date(), "long", locale=_locale()))


def check_item(programme, *, session, kind, starts_at, ends_at, category=None):
    """Refuse an item that is not inside its session, or links what it may not."""
    if session is None or session.event_id != programme.event_id:
        raise DomainError(_("Choose a session of this event's agenda."), field="session")
    if kind not in CeremonyItemKind.ALL:
        raise ValidationFailed(_("Choose a kind of item from the list."), field="kind")
    if category is not None:
        if kind != CeremonyItemKind.CATEGORY:
            raise DomainError(_("Only the presentation of a category can be linked to a category."),
                              field="category")
        if category.programme_id != programme.id:
            raise DomainError(_("Choose a category of this awards programme."), field="category")
    if starts_at is None or ends_at is None:
        raise ValidationFailed(_("Give the item a start and an end time."),
                               field="starts_at" if starts_at is None else "ends_at")
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValidationFailed(_("The start and end times need a time zone."), field="starts_at")
    if ends_at <= starts_at:
        raise ValidationFailed(_("The item must end after it starts."), field="ends_at")
    if starts_at < session.starts_at or ends_at > session.ends_at:
        raise DomainError(
            _("The item must take place inside the session “%(session)s”, %(window)s.",
              session=session.title, window=session_window(session)),
            field="starts_at" if not session.starts_at <= starts_at < session.ends_at else "ends_at",
        )


def check_title_keeps_results_secret(programme, title):
    """Refuse, while the results are under embargo, a title naming a winning or commended entry.

    The running order is public (page and calendar feed) before the results are: an item called
    "Award to <winner>" would give the result away.
    """
    if awards.results_released(programme):
        return
    results = db.session.scalars(
        sa.select(AwardEntry.title)
        .join(AwardCategory, AwardCategory.id == AwardEntry.category_id)
        .where(AwardCategory.programme_id == programme.id, AwardEntry.status.in_(EntryStatus.RESULTS))
    ).all()
    lowered = title.casefold()
    for entry_title in results:
        if len(entry_title.strip()) >= 3 and entry_title.strip().casefold() in lowered:
            raise DomainError(
                _("The running order is public before the results are: a title may not name the winning or "
                  "commended entry “%(entry)s” until the results are released.", entry=entry_title.strip()),
                field="title",
            )


def create_ceremony_item(programme, *, session, title, kind, starts_at, ends_at,
                         category=None, is_sample=False):
    """Add an item to the running order, inside the agenda session it takes place in."""
    title = clean_text(title, "title", _l("The title"), required=True)
    check_title_keeps_results_secret(programme, title)
    check_item(programme, session=session, kind=kind, starts_at=starts_at, ends_at=ends_at,
               category=category)
    item = CeremonyItem(
        programme=programme,
        session=session,
        category=category,
        title=title,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        is_sample=is_sample,
    )
    db.session.add(item)
    db.session.flush()
    return item


ITEM_FIELDS = ("session", "title", "kind", "starts_at", "ends_at", "category", "is_sample")
#: A change to any of these makes calendar clients replace their copy: SEQUENCE goes up.
SEQUENCE_FIELDS = frozenset({"session", "title", "starts_at", "ends_at"})


def _changed(item, changed):
    """Bump SEQUENCE and the last-modified stamp only when something people see has changed."""
    if changed & SEQUENCE_FIELDS:
        item.sequence = (item.sequence or 0) + 1
    if changed:
        item.updated_at = utcnow()


def update_ceremony_item(item, **values):
    """Change an item; the result must still lie inside its session. Returns what changed."""
    unknown = set(values) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown ceremony item fields: {sorted(unknown)}")
    if "title" in values:
        values["title"] = clean_text(values["title"], "title", _l("The title"), required=True)
        if values["title"] != item.title:
            check_title_keeps_results_secret(item.programme, values["title"])
    merged = {key: values.get(key, getattr(item, key)) for key in ITEM_FIELDS}
    check_item(item.programme, session=merged["session"], kind=merged["kind"],
               starts_at=merged["starts_at"], ends_at=merged["ends_at"], category=merged["category"])
    changed = {key for key, value in values.items() if getattr(item, key) != value}
    for key in changed:
        setattr(item, key, values[key])
    _changed(item, changed)
    db.session.flush()
    return changed


def delete_ceremony_item(item):
    """Remove an item from the running order."""
    item.programme.ceremony_items.remove(item)
    db.session.flush()


def running_order(programme):
    """Every item with its id, as organisers edit them: [(session, [items])] in session then item time order."""
    items = db.session.scalars(
        sa.select(CeremonyItem).join(CeremonyItem.session)
        .where(CeremonyItem.programme_id == programme.id)
        .options(so.contains_eager(CeremonyItem.session))
        .order_by(EventSession.starts_at, EventSession.id, CeremonyItem.starts_at, CeremonyItem.id)
    ).all()
    groups = {}
    for item in items:
        groups.setdefault(item.session, []).append(item)
    return list(groups.items())


def items_of_session(session):
    """The running-order items taking place in an agenda session, in time order."""
    return db.session.scalars(
        sa.select(CeremonyItem)
        .where(CeremonyItem.session_id == session.id)
        .order_by(CeremonyItem.starts_at, CeremonyItem.id)
    ).all()


def items_that_would_not_fit(session, starts_at, ends_at):
    """Refusals for the items of a session that would leave it if it moved to these times."""
    delta = starts_at - session.starts_at
    return [
        _("The running-order item “%(item)s” would no longer fit inside the session. "
          "Shorten or move the item first.", item=item.title)
        for item in items_of_session(session)
        if item.starts_at + delta < starts_at or item.ends_at + delta > ends_at
    ]


def reschedule_session_items(session, starts_at, ends_at):
    """Before a session moves to new times: move its items with it, or refuse if one would not fit.

    Items keep their offset from the session's start. Call this, then change the session.
    """
    problems = items_that_would_not_fit(session, starts_at, ends_at)
    if problems:
        raise DomainError(problems[0])
    delta = starts_at - session.starts_at
    items = items_of_session(session)
    if delta:
        for item in items:
            item.starts_at, item.ends_at = item.starts_at + delta, item.ends_at + delta
            _changed(item, {"starts_at", "ends_at"})
    db.session.flush()
    return items


def items_outside_their_session(programme):
    """Running-order items that no longer lie inside their session (e.g. after an agenda change)."""
    return [
        item for item in programme.ceremony_items
        if item.starts_at < item.session.starts_at or item.ends_at > item.session.ends_at
    ]
