"""Stored agenda changes turned into objects that pages and e-mails put into words."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass
class Shown:
    """A session as a change shows it: times are aware datetimes again."""

    title: str
    starts_at: datetime
    ends_at: datetime
    room: str
    speakers: list  #: [(name, role)]

    @classmethod
    def from_state(cls, s):
        if s is None:
            return None
        return cls(s["title"], datetime.fromisoformat(s["starts_at"]), datetime.fromisoformat(s["ends_at"]),
                   s["room"], [(name, role) for _id, name, role in s["speakers"]])


@dataclass
class Change:
    kinds: list
    session_id: int | None
    before: Shown | None
    after: Shown


def readable(changes):
    """Stored changes turned into objects the templates word (see macros/changes.html)."""
    return [Change(c["kinds"], c.get("session_id"), Shown.from_state(c["before"]), Shown.from_state(c["after"]))
            for c in changes]


def is_first_publication(revision):
    """True when the revision put a whole new agenda online (every change an addition)."""
    return bool(revision.changes) and all(c["before"] is None for c in revision.changes)
