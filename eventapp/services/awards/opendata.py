"""The awards programme as plain data for the JSON API, through the same embargo as the pages."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from ...i18n import CEREMONY_KIND_LABELS
from ...models import utcnow
from ...urls import url_builder
from ..agenda.opendata import local_iso
from . import programme as awards


def awards_data(event, programme, now=None):
    """Categories, entries and running order; an entry's result only once the results are released."""
    page = awards.awards_page(programme, now=now or utcnow())
    zone = ZoneInfo(event.timezone)
    released = page.programme.released
    build = url_builder()

    def entry(e):
        data = {"title": e.title, "organisation": e.organisation, "region": e.region, "summary": e.summary,
                "link_url": e.link_url or None, "is_sample": e.is_sample}
        data["result"] = e.status if released else None
        return data

    return {
        "event": event.slug,
        "title": page.programme.title,
        "introduction": page.programme.introduction,
        "is_sample": page.programme.is_sample,
        "results_released": released,
        "results_from": None if page.programme.release_at is None else local_iso(page.programme.release_at, zone),
        "html": build("awards.programme", slug=event.slug),
        "categories": [
            {"slug": c.slug, "name": c.name, "description": c.description, "is_sample": c.is_sample,
             "entries": [entry(e) for e in c.entries]}
            for c in page.categories
        ],
        "running_order": [
            {"session_id": group.session.id, "session_uid": group.session.uid, "session_title": group.session.title,
             "items": [{"title": i.title, "kind": i.kind,
                        "kind_label": str(CEREMONY_KIND_LABELS.get(i.kind, i.kind)),
                        "starts_at": local_iso(i.starts_at, zone), "ends_at": local_iso(i.ends_at, zone),
                        "category": i.category_slug, "is_sample": i.is_sample} for i in group.items]}
            for group in page.ceremony
        ],
    }
