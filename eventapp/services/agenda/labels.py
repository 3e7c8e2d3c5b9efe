"""The label the publish form suggests for the next revision of an agenda."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

#: A date as organisers write it in labels ("Draft agenda 25/09/2024").
_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b")
_TRAILING_NUMBER = re.compile(r"^(.*?)(\d+)$")


def next_label(event, now=None):
    """A label for the next revision, from the last one: "v2" gives "v3", a date becomes today's."""
    now = now or datetime.now(timezone.utc)
    today = now.astimezone(ZoneInfo(event.timezone)).strftime("%d/%m/%Y")
    last = (event.agenda_label or "").strip()
    if not last:
        return _("Draft agenda %(date)s", date=today)
    if _DATE.search(last):
        suggestion = _DATE.sub(today, last, count=1)
        return suggestion if suggestion != last else f"{last} (2)"
    numbered = _TRAILING_NUMBER.match(last)
    if numbered:
        return f"{numbered.group(1)}{int(numbered.group(2)) + 1}"
    return f"{last} (2)"
