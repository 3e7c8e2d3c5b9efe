"""Read an iCalendar file with libical (as Evolution does), through PyGObject; print what it understood.

Run with Debian's /usr/bin/python3 (packages gir1.2-ical-3.0 and python3-gi), not the app's venv:
    /usr/bin/python3 tests/ical_readers/libical_read.py < calendar.ics
Prints JSON: libical's errors (X-LIC-ERROR after its RFC 5545 restriction check) and each VEVENT
with its start and end as UTC instants computed by libical from the calendar's own VTIMEZONE.
"""
import json
import sys

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib as I  # noqa: E402


def _utc(prop_time, calendar):
    if prop_time is None:
        return None
    if prop_time.is_date():
        return {"date": "%04d-%02d-%02d" % (prop_time.get_year(), prop_time.get_month(), prop_time.get_day())}
    tzid = prop_time.get_tzid()
    zone = calendar.get_timezone(tzid) if tzid else None
    if zone is not None:
        timestamp = prop_time.as_timet_with_zone(zone)
    else:
        timestamp = prop_time.as_timet()
    return {"utc": timestamp}


def _errors(component):
    found = []
    prop = component.get_first_property(I.PropertyKind.XLICERROR_PROPERTY)
    while prop is not None:
        found.append(prop.get_xlicerror())
        prop = component.get_next_property(I.PropertyKind.XLICERROR_PROPERTY)
    child = component.get_first_component(I.ComponentKind.ANY_COMPONENT)
    while child is not None:
        found += _errors(child)
        child = component.get_next_component(I.ComponentKind.ANY_COMPONENT)
    return found


def main():
    text = sys.stdin.buffer.read().decode("utf-8")
    calendar = I.Component.new_from_string(text)
    if calendar is None:
        print(json.dumps({"errors": ["libical could not parse the calendar"], "events": []}))
        return
    I.restriction_check(calendar)
    events = []
    vevent = calendar.get_first_component(I.ComponentKind.VEVENT_COMPONENT)
    while vevent is not None:
        status = vevent.get_first_property(I.PropertyKind.STATUS_PROPERTY)
        seq = vevent.get_first_property(I.PropertyKind.SEQUENCE_PROPERTY)
        stamp = vevent.get_first_property(I.PropertyKind.DTSTAMP_PROPERTY)
        events.append({
            "uid": vevent.get_uid(),
            "summary": vevent.get_summary(),
            "description": vevent.get_description(),
            "status": status.get_value_as_string() if status else None,
            "sequence": seq.get_sequence() if seq else None,
            "dtstamp": stamp.get_value_as_string() if stamp else None,
            "start": _utc(vevent.get_dtstart(), calendar),
            "end": _utc(vevent.get_dtend(), calendar),
        })
        vevent = calendar.get_next_component(I.ComponentKind.VEVENT_COMPONENT)
    names = {}
    prop = calendar.get_first_property(I.PropertyKind.X_PROPERTY)
    while prop is not None:
        names[prop.get_x_name()] = prop.get_value_as_string()
        prop = calendar.get_next_property(I.PropertyKind.X_PROPERTY)
    print(json.dumps({"errors": _errors(calendar), "events": events, "x": names}))


if __name__ == "__main__":
    main()
