"""iCalendar data for feeds, downloads and e-mail attachments: one builder for all of them.

Calendars are built with the icalendar library only. They carry no METHOD, ORGANIZER or
ATTENDEE (they are published data, not iTIP invitations), and every value comes from stored
data (UIDs, SEQUENCE, modification stamps), so the same agenda always gives the same bytes.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from icalendar import Calendar

from ...i18n import SESSION_TYPE_LABELS, SPEAKER_ROLE_LABELS
from ...models import Event, EventSession
from ...urls import url_builder
from .render import (  # noqa: F401  (callers read the calendar data and its rendering here)
    PRODID, REFRESH_INTERVAL, CalendarData, VEventData, _serialise, render_calendar, render_vevent, serialise,
    unambiguous,
)

MAX_ALARM_MINUTES = 7 * 24 * 60


def last_modified(event: Event, sessions: Sequence[EventSession]):
    """The newest change among the event and these sessions, in UTC."""
    return max([event.updated_at, *(s.updated_at for s in sessions)])


def session_status(event: Event, item: EventSession) -> str:
    """STATUS of a session: CANCELLED, else CONFIRMED on a final agenda, TENTATIVE on a draft."""
    if item.is_cancelled:
        return "CANCELLED"
    return "CONFIRMED" if event.agenda_is_final else "TENTATIVE"


def location(event: Event, item: EventSession) -> str:
    """Room, venue and address, without repeats or blanks."""
    parts = [item.room.name if item.room else "", event.venue_name, event.venue_address or event.city]
    seen = []
    for part in (p.strip() for p in parts):
        if part and part not in seen:
            seen.append(part)
    return ", ".join(seen)


def summary(item: EventSession, status_label: str | None = None) -> str:
    """The title as calendars show it: marked when cancelled, with the registration status if given."""
    title = _("Cancelled: %(title)s", title=item.title) if item.is_cancelled else item.title
    return f"{title} ({status_label})" if status_label else title


class Texts:
    """Translated labels, looked up once per calendar rather than once per session."""

    def __init__(self):
        self.speakers = _("Speakers:")
        self.cancelled = _("This session has been cancelled.")
        self._labels = {}

    def label(self, labels, code):
        """The translated label of a stored code from one of the i18n label maps."""
        key = (id(labels), code)
        if key not in self._labels:
            self._labels[key] = str(labels.get(code, code))
        return self._labels[key]


def description(item: EventSession, page_url: str, status_label: str | None = None, texts=None) -> str:
    """Plain text: cancellation, registration status, the full description, speakers, the page."""
    texts = texts or Texts()
    blocks = []
    if item.is_cancelled:
        blocks.append(texts.cancelled)
    if status_label:
        blocks.append(_("Your registration: %(status)s", status=status_label))
    if item.description.strip():
        blocks.append(item.description.strip())
    if item.speakers:
        lines = [texts.speakers]
        for s in item.speakers:
            who = ", ".join(p for p in (s.person.name, s.person.affiliation) if p)
            lines.append(f"- {who} ({texts.label(SPEAKER_ROLE_LABELS, s.role)})")
        blocks.append("\n".join(lines))
    blocks.append(page_url)
    return "\n\n".join(blocks)


def vevent_data(event, item, *, page_url, zone, alarm_minutes=None, status_label=None, texts=None,
                version=None) -> VEventData:
    """The values of one session's VEVENT: stable UID, SEQUENCE and stamps from the stored session.

    `version`: (changes, when) of what the calendar adds to the session (a registration's status):
    each change raises SEQUENCE and the newest moves DTSTAMP, so clients replace their copy.
    """
    texts = texts or Texts()
    changes, changed_at = version or (0, None)
    return VEventData(
        uid=item.uid,
        stamp=max(filter(None, [item.updated_at, changed_at])),
        created=item.created_at,
        sequence=item.sequence + changes,
        start=item.starts_at.astimezone(zone),
        end=item.ends_at.astimezone(zone),
        summary=summary(item, status_label),
        description=description(item, page_url, status_label, texts),
        location=location(event, item),
        url=page_url,
        category=texts.label(SESSION_TYPE_LABELS, item.session_type),
        status=session_status(event, item),
        alarm_minutes=None if item.is_cancelled else alarm_minutes,
    )


def calendar_data(
    event: Event,
    sessions: Sequence[EventSession],
    *,
    single: bool = False,
    feed_url: str | None = None,
    page_url: str | None = None,
    name: str | None = None,
    alarm_minutes: int | None = None,
    statuses: Mapping[int, str] | None = None,
    versions: Mapping[int, tuple[int, datetime]] | None = None,
    modified_at: datetime | None = None,
    placeholder_status: str = "TENTATIVE",
) -> CalendarData:
    """What the calendar of these sessions says; see build_calendar for the options."""
    if alarm_minutes is not None and not 0 <= alarm_minutes <= MAX_ALARM_MINUTES:
        raise ValueError(f"alarm_minutes must be between 0 and {MAX_ALARM_MINUTES}")
    statuses, versions = statuses or {}, versions or {}
    url = url_builder()
    zone = ZoneInfo(event.timezone)
    starts = [s.starts_at for s in sessions] or [event.starts_at]
    ends = [s.ends_at for s in sessions] or [event.ends_at]
    texts = Texts()
    events = tuple(
        vevent_data(
            event, item, zone=zone, alarm_minutes=alarm_minutes, status_label=statuses.get(item.id), texts=texts,
            page_url=url("agenda.session", slug=event.slug, session_id=item.id), version=versions.get(item.id),
        )
        for item in sessions
    )
    modified = max(filter(None, [last_modified(event, sessions), modified_at]))
    if not events and not single:
        events = (placeholder_data(event, zone, url("agenda.event", slug=event.slug), placeholder_status, modified),)
    return CalendarData(
        tzid=event.timezone,
        years=(min(starts).astimezone(zone).year, max(ends).astimezone(zone).year),
        name=None if single else (name or event.title),
        description=event.summary,
        url=page_url or url("agenda.agenda_page", slug=event.slug),
        source=feed_url,
        last_modified=modified,
        events=events,
    )


def placeholder_data(event: Event, zone, page_url: str, status: str, stamp: datetime) -> VEventData:
    """The event itself as one all-day entry, for a calendar with no session yet.

    A calendar with no VEVENT at all is refused by some clients (khal lists nothing and reports
    an error); this entry says the event exists and where the programme will be. Its UID is the
    event's own, so it never collides with a session's.
    """
    first = event.starts_at.astimezone(zone).date()
    last = event.ends_at.astimezone(zone).date()
    host = urlsplit(page_url).hostname or "eventapp"
    return VEventData(
        uid=f"event-{event.id}@{host}",
        stamp=stamp,
        created=event.created_at,
        sequence=0 if status == "TENTATIVE" else 1,
        start=first,
        end=max(last, first) + timedelta(days=1),
        summary=event.title,
        description="\n\n".join(p for p in (event.summary.strip(), _("No session of this calendar is published yet."), page_url) if p),
        location=", ".join(p for p in (event.venue_name, event.city) if p),
        url=page_url,
        category="",
        status=status,
        alarm_minutes=None,
    )


def build_calendar(event, sessions, **options) -> Calendar:
    """A calendar of these sessions of the event, as an icalendar object.

    `single`: a one-session download or e-mail attachment (no calendar name, which Outlook
    would turn into a folder, and no refresh hints). `feed_url`: the feed's own address
    (SOURCE). `page_url`: the page the calendar stands for (URL; the agenda by default).
    `name`: the calendar's name (the event's title by default). `alarm_minutes`: a DISPLAY
    reminder that many minutes before each session. `statuses`: session id -> registration
    status label, shown in SUMMARY and DESCRIPTION; `versions`: session id -> (number of status
    changes, newest change), which raise SEQUENCE and DTSTAMP. `modified_at`: a later change the
    calendar shows that is not stored on the event or its sessions (a registration's status),
    for the calendar's LAST-MODIFIED. Without sessions the calendar holds the event itself as one
    all-day entry with STATUS `placeholder_status`.

    Outside a request, wrap the call in flask_babel.force_locale(<language>).
    """
    return render_calendar(calendar_data(event, sessions, **options))


def calendar_bytes(event, sessions, **options) -> bytes:
    """The calendar as bytes (UTF-8, CRLF line ends, lines folded at 75 octets); same options."""
    return _serialise(calendar_data(event, sessions, **options))


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


def email_attachment(event, sessions, *, statuses=None, versions=None) -> Attachment:
    """The .ics file for an e-mail: the feeds' data, without METHOD, so it is not an invitation.

    Not a subscription either: no calendar name (Outlook would make a folder of it) and no
    refresh hints. Named after the session when there is one, else after the event.
    """
    data = calendar_bytes(event, sessions, single=True, statuses=statuses, versions=versions)
    one = sessions[0] if len(sessions) == 1 else None
    return Attachment(calendar_filename(event, one), "text/calendar; charset=utf-8", data)


def _ascii_slug(text: str, limit: int = 50) -> str:
    """ASCII letters, digits and hyphens, cut at a word boundary: safe in a Content-Disposition."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[: limit + 1].rsplit("-", 1)[0] if "-" in slug[:limit] else slug[:limit]
    return slug


def calendar_filename(event: Event, item: EventSession | None = None) -> str:
    """A file name people recognise: the event's slug, and the session's title for one session."""
    base = _ascii_slug(event.slug, 100) or "calendar"
    if item is None:
        return f"{base}.ics"
    return f"{base}-{_ascii_slug(item.title) or f'session-{item.id}'}.ics"
