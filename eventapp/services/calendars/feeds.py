"""What a calendar feed holds: the published agenda, filtered like the agenda page or a chosen set."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa

from flask_babel import gettext as _

from ...extensions import db
from ...i18n import SESSION_TYPE_LABELS
from ...models import EventSession
from ..agenda.pages import AgendaFilters, session_query
from ..errors import ValidationFailed
from .ical import MAX_ALARM_MINUTES

#: A chosen set longer than this is refused: no agenda is that long, and the URL must stay sane.
MAX_CHOSEN_SESSIONS = 500


@dataclass
class FeedOptions:
    """What a feed URL asks for: agenda filters, a chosen set of sessions, a reminder."""

    filters: AgendaFilters = field(default_factory=AgendaFilters)
    session_ids: list[int] | None = None  #: None: every session the filters let through
    alarm_minutes: int | None = None

    @classmethod
    def from_args(cls, args):
        """Read ?type=, ?tag=, ?sessions=3,5,8 and ?alarm=15; malformed values raise ValidationFailed."""
        return cls(
            filters=AgendaFilters.from_args(args),
            session_ids=parse_session_ids(args.get("sessions")),
            alarm_minutes=parse_alarm(args.get("alarm")),
        )

    def as_args(self):
        """Query values that give this feed again, in a stable order."""
        args = self.filters.as_args()
        if self.session_ids is not None:
            args["sessions"] = ",".join(map(str, self.session_ids))
        if self.alarm_minutes is not None:
            args["alarm"] = str(self.alarm_minutes)
        return args


def parse_session_ids(value):
    """ "3,5,8" -> [3, 5, 8] (sorted, without repeats); None when the parameter is absent."""
    if value is None:
        return None
    parts = [p.strip() for p in value.split(",") if p.strip()]
    if not parts or not all(re.fullmatch(r"[0-9]{1,9}", p) for p in parts):
        raise ValidationFailed(_("The list of sessions must be session numbers separated by commas."))
    ids = sorted({int(p) for p in parts})
    if len(ids) > MAX_CHOSEN_SESSIONS:
        raise ValidationFailed(_("Choose at most %(num)d sessions.", num=MAX_CHOSEN_SESSIONS))
    return ids


def parse_alarm(value):
    """ "15" -> 15 minutes before each session; None when the parameter is absent or empty."""
    if value is None or value.strip() == "":
        return None
    value = value.strip()
    if not re.fullmatch(r"[0-9]{1,5}", value) or int(value) > MAX_ALARM_MINUTES:
        raise ValidationFailed(
            _("The reminder must be a number of minutes between 0 and %(max)d.", max=MAX_ALARM_MINUTES)
        )
    return int(value)


def feed_sessions(event, options: FeedOptions):
    """The sessions a feed shows, read with the agenda page's query (flat query count)."""
    query = session_query(event)
    if options.session_ids is not None:
        query = query.where(EventSession.id.in_(options.session_ids))
    sessions = db.session.scalars(query).unique().all()
    return [s for s in sessions if options.filters.matches(s)]


def feed_name(event, options: FeedOptions, sessions):
    """The calendar's name: the event, marked when it is a personal or filtered selection."""
    if options.session_ids is not None:
        return _("%(event)s: my agenda", event=event.title)
    if not options.filters.active:
        return event.title
    tag_labels = {t.slug: t.label for s in sessions for t in s.tags}
    labels = [str(SESSION_TYPE_LABELS.get(t, t)) for t in options.filters.types]
    labels += [tag_labels.get(t, t) for t in options.filters.tags]
    return f"{event.title} ({', '.join(labels)})"


def agenda_modified_at(event):
    """The newest change to the event or to any of its published sessions (one query).

    A filtered feed's Last-Modified must move when a session leaves the filter, not only when
    a session it still shows changes: the newest change among all sessions does both.
    """
    newest = db.session.scalar(sa.select(sa.func.max(EventSession.updated_at)).where(EventSession.event_id == event.id))
    return max(filter(None, [event.updated_at, newest]))
