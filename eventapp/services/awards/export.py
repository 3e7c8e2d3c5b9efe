"""CSV export of an awards programme's entries, safe to open in a spreadsheet."""
from __future__ import annotations

import csv
import io

import sqlalchemy as sa
from flask_babel import gettext as _

from ...extensions import db
from ...i18n import ENTRY_STATUS_LABELS
from ...models import AwardCategory, AwardEntry
from . import programme as awards
from ..desk.spreadsheet import neutralise

MEDIA_TYPE = "text/csv; charset=utf-8"


def _all_entries(programme):
    """Every entry with its real status: for organisers only."""
    rows = db.session.execute(
        sa.select(AwardEntry, AwardCategory.position)
        .join(AwardCategory, AwardCategory.id == AwardEntry.category_id)
        .where(AwardCategory.programme_id == programme.id)
        .order_by(AwardCategory.position, AwardCategory.id, sa.func.lower(AwardEntry.title), AwardEntry.id)
    ).all()
    return [entry for entry, _position in rows]


def export_entries_csv(programme, *, include_results, now=None):
    """The entries as CSV text. Without `include_results`, exactly what the public may see now.

    `include_results=True` gives every entry (nominations too) with its real status, winners
    included even before the release: only an organiser route may ask for it.
    """
    names = {c.id: c.name for c in programme.categories}
    order = {c.id: n for n, c in enumerate(programme.categories)}
    if include_results:
        entries = _all_entries(programme)
    else:
        entries = sorted(awards.public_entries(programme, now), key=lambda e: order[e.category_id])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([
        _("Category"), _("Initiative"), _("Office or partnership"), _("Country or region"),
        _("Summary"), _("Link"), _("Status"), _("Sample data"),
    ])
    for entry in entries:
        writer.writerow([neutralise(value) for value in (
            names[entry.category_id],
            entry.title,
            entry.organisation,
            entry.region,
            entry.summary,
            entry.link_url,
            str(ENTRY_STATUS_LABELS.get(entry.status, entry.status)),
            _("yes") if entry.is_sample else _("no"),
        )])
    return out.getvalue()
