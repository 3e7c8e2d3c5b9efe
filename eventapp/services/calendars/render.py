"""Calendar data rendered as RFC 5545 text: the values of each VEVENT, the VCALENDAR around them.

Every TEXT value goes through icalendar's vText (escaped line breaks, ";", "," and "\\"), and an
instant that a zone's clocks pass twice is written in UTC so that every reader takes the same one.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from icalendar import Alarm, Calendar, vText
from icalendar import Event as VEvent

from .timezones import vtimezone

PRODID = "-//IOM//eventapp//EN"
#: How often subscribed clients should fetch the feed again (REFRESH-INTERVAL, X-PUBLISHED-TTL).
REFRESH_INTERVAL = timedelta(hours=1)


@dataclass(frozen=True)
class VEventData:
    """Everything one VEVENT says, as plain values."""

    uid: str
    stamp: datetime  #: the session's last change (UTC): DTSTAMP and LAST-MODIFIED
    created: datetime
    sequence: int
    start: datetime | date  #: in the event's zone, written with its TZID (a date: all day)
    end: datetime | date
    summary: str
    description: str
    location: str
    url: str
    category: str
    status: str
    alarm_minutes: int | None


@dataclass(frozen=True)
class CalendarData:
    """Everything a calendar says, as plain values: equal data gives equal bytes."""

    tzid: str
    years: tuple[int, int]  #: first and last calendar year of the sessions, for the VTIMEZONE
    name: str | None  #: None: a single-session download, without name or refresh hints
    description: str
    url: str
    source: str | None
    last_modified: datetime
    events: tuple[VEventData, ...]


def unambiguous(moment: datetime | date) -> datetime | date:
    """A local time as every client reads it: in UTC when the wall-clock time occurs twice.

    When clocks go back (02:30 on 2027-10-31 in Zurich happens twice), readers disagree about
    which occurrence a TZID time means (icalendar and vobject take the first, libical, ical.js,
    khal and calcurse the second). The UTC form names the instant itself.
    """
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        return moment
    if moment.replace(fold=0).utcoffset() != moment.replace(fold=1).utcoffset():
        return moment.astimezone(timezone.utc)
    return moment


def render_vevent(data: VEventData) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", data.uid)
    vevent.add("dtstamp", data.stamp)
    vevent.add("created", data.created)
    vevent.add("last-modified", data.stamp)
    vevent.add("sequence", data.sequence)
    vevent.add("dtstart", unambiguous(data.start))
    vevent.add("dtend", unambiguous(data.end))
    vevent.add("summary", vText(data.summary))
    vevent.add("description", vText(data.description))
    if data.location:
        vevent.add("location", vText(data.location))
    vevent.add("url", data.url)
    if data.category:
        vevent.add("categories", [data.category])
    vevent.add("status", data.status)
    if data.alarm_minutes is not None:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", vText(data.summary))
        alarm.add("trigger", timedelta(minutes=-data.alarm_minutes))
        vevent.add_component(alarm)
    return vevent


def render_calendar(data: CalendarData) -> Calendar:
    """The icalendar object for these values (no METHOD, ORGANIZER or ATTENDEE)."""
    cal = Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", PRODID)
    cal.add("calscale", "GREGORIAN")
    # Every TEXT value goes through vText, which escapes new lines, ";", "," and "\\":
    # icalendar writes NAME and X- properties raw otherwise.
    if data.name is not None:
        cal.add("name", vText(data.name))
        cal.add("x-wr-calname", vText(data.name))
        cal.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", "PT%dH" % (REFRESH_INTERVAL.total_seconds() // 3600))
    if data.description:
        cal.add("description", vText(data.description))
        if data.name is not None:
            cal.add("x-wr-caldesc", vText(data.description))
    cal.add("url", data.url)
    if data.source:
        cal.add("source", data.source, parameters={"VALUE": "URI"})
    cal.add("last-modified", data.last_modified)
    cal.add("x-wr-timezone", data.tzid)
    cal.add_component(vtimezone(data.tzid, *data.years))
    for item in data.events:
        cal.add_component(render_vevent(item))
    return cal


@functools.lru_cache(maxsize=32)
def _serialise(data: CalendarData) -> bytes:
    # Keyed by every value the calendar shows, so a hit is always the current calendar; it
    # spares the costly part (icalendar objects and line folding) when feeds are polled.
    return render_calendar(data).to_ical()


def serialise(data: CalendarData) -> bytes:
    """The bytes of calendar values built elsewhere (e.g. the awards ceremony's running order)."""
    return _serialise(data)
