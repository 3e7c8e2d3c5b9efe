"""Reading calendars back as clients do: with icalendar, and with an independent parser (vobject)."""
from datetime import timezone

import vobject
from icalendar import Calendar

UTC = timezone.utc


def check_wire_format(data: bytes):
    """CRLF line ends only, UTF-8, no physical line longer than 75 octets or split inside a character."""
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    for line in data.split(b"\r\n"):
        assert len(line) <= 75, line
        line.decode("utf-8")  # a fold in the middle of a character would fail here


def forget_vobject_zones():
    """vobject keeps the first VTIMEZONE it reads for each TZID for the rest of the process.

    A calendar client reads each calendar with its own definitions, so earlier ones are dropped.
    """
    registry = vars(vobject.icalendar)["__tzidMap"]
    for tzid in [t for t in registry if t != "UTC"]:
        del registry[tzid]


def parse(data: bytes):
    """(icalendar Calendar, vobject calendar) for the same bytes, after checking the wire format."""
    check_wire_format(data)
    forget_vobject_zones()
    return Calendar.from_ical(data), vobject.readOne(data.decode("utf-8"))


def events(cal):
    return list(cal.walk("VEVENT"))


def utc_times(cal):
    """{summary: (start, end)} in UTC, as icalendar reads DTSTART/DTEND with their TZID."""
    return {
        str(e["SUMMARY"]): (e.decoded("DTSTART").astimezone(UTC), e.decoded("DTEND").astimezone(UTC))
        for e in events(cal)
    }


def vobject_utc_times(vcal):
    """The same, as vobject reads them through the calendar's own VTIMEZONE."""
    return {
        e.summary.value: (e.dtstart.value.astimezone(UTC), e.dtend.value.astimezone(UTC))
        for e in vcal.vevent_list
    }
