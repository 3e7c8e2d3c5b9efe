"""The demo awards programme of the Geneva ceremony, with sample categories, entries and running order.

The programme text gives the programme's title and introduction only: it names no categories,
entries or winners, and no running order. Everything invented here carries the sample-data flag
and says so on the page; the results stay unreleased.
"""
from datetime import datetime, time
from zoneinfo import ZoneInfo

from ... import demo_data as d
from ...models import CeremonyItemKind, EntryStatus
from . import manage as awards_manage
from . import ceremony

_NOT_REAL = "Invented for the demonstration: not a real initiative, nomination or result."

#: (slug, name, description) of the sample categories
SAMPLE_CATEGORIES = (
    ("sample-category-a", "Sample category A",
     "A made-up category showing how award categories appear. The real categories of the programme are not part of the demo data."),
    ("sample-category-b", "Sample category B",
     "A second made-up category, to show several categories side by side."),
)

#: (category slug, title, office or partnership, country or region, status)
SAMPLE_ENTRIES = (
    ("sample-category-a", "Sample initiative 1", "Example office (fictional)", "Example region", EntryStatus.WINNER),
    ("sample-category-a", "Sample initiative 2", "Example partnership (fictional)", "Example country", EntryStatus.FINALIST),
    ("sample-category-a", "Sample initiative 3", "Example office (fictional)", "Example country", EntryStatus.COMMENDED),
    ("sample-category-a", "Sample initiative 4", "Example partnership (fictional)", "Example region", EntryStatus.NOMINATED),
    ("sample-category-b", "Sample initiative 5", "Example office (fictional)", "Example region", EntryStatus.FINALIST),
    ("sample-category-b", "Sample initiative 6", "Example partnership (fictional)", "Example country", EntryStatus.WINNER),
    ("sample-category-b", "Sample initiative 7", "Example office (fictional)", "Example country", EntryStatus.NOMINATED),
)

#: (local start, local end, kind, title, category slug) inside the 17:30-18:30 ceremony session
SAMPLE_RUNNING_ORDER = (
    ("17:30", "17:35", CeremonyItemKind.WELCOME, "Welcome", None),
    ("17:35", "17:45", CeremonyItemKind.CATEGORY, "Presentation of the category", "sample-category-a"),
    ("17:45", "17:55", CeremonyItemKind.CATEGORY, "Presentation of the category", "sample-category-b"),
    ("17:55", "18:05", CeremonyItemKind.WINNERS, "Announcement of the winners", None),
    ("18:05", "18:30", CeremonyItemKind.RECEPTION, "Evening reception", None),
)


def _local(day, hhmm, zone):
    hour, minute = map(int, hhmm.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def _programme(event):
    programme = event.awards_programme
    introduction = d.IDM_PROGRAMME[-1][4]  # the ceremony's text, word for word
    if programme is None:
        programme = awards_manage.create_programme(
            event, title=d.IDM_AWARDS_TITLE, introduction=introduction, is_sample=True
        )
    for key, value in dict(title=d.IDM_AWARDS_TITLE, introduction=introduction, is_sample=True,
                           is_published=True, is_released=False, release_at=None).items():
        if getattr(programme, key) != value:
            setattr(programme, key, value)
    return programme


def load_awards(event, day):
    """Attach the demo awards programme to the Geneva event, its ceremony on `day` (local times)."""
    zone = ZoneInfo(event.timezone)
    programme = _programme(event)
    categories = {c.slug: c for c in programme.categories}
    for slug, name, description in SAMPLE_CATEGORIES:
        if slug in categories:
            awards_manage.update_category(categories[slug], name=name, description=description, is_sample=True)
        else:
            categories[slug] = awards_manage.create_category(
                programme, slug=slug, name=name, description=description, is_sample=True
            )
    for slug, title, organisation, region, status in SAMPLE_ENTRIES:
        category = categories[slug]
        values = dict(organisation=organisation, region=region, summary=_NOT_REAL, status=status, is_sample=True)
        entry = next((e for e in category.entries if e.title == title), None)
        if entry is None:
            awards_manage.create_entry(category, title=title, **values)
        else:
            awards_manage.update_entry(entry, **values)

    session = next(s for s in event.sessions if s.title == d.IDM_AWARDS_SESSION)
    existing = {(i.title, i.category_id): i for i in programme.ceremony_items}
    for start, end, kind, title, slug in SAMPLE_RUNNING_ORDER:
        category = categories[slug] if slug else None
        values = dict(session=session, kind=kind, category=category, is_sample=True,
                      starts_at=_local(day, start, zone), ends_at=_local(day, end, zone))
        item = existing.get((title, category.id if category else None))
        if item is None:
            ceremony.create_ceremony_item(programme, title=title, **values)
        else:
            ceremony.update_ceremony_item(item, **values)
    return programme
