"""VTIMEZONE components generated from the tz database, for calendars with local times."""
import functools
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from icalendar import Timezone


class _ZoneSearch(Timezone):
    """VTIMEZONE built from the tz database, searching day by day for offset changes.

    icalendar's own search jumps 64 days at a time and misses short periods, such as
    Morocco's change of offset during Ramadan.
    """

    _from_tzinfo_skip_search = [timedelta(days=d) for d in (4, 2, 1)] + Timezone._from_tzinfo_skip_search[7:]


@functools.lru_cache(maxsize=64)
def vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """The VTIMEZONE of an IANA zone over the given calendar years, from the tz database.

    Each change of offset gets its own STANDARD or DAYLIGHT block with its DTSTART: icalendar
    groups repeats into RDATE lists, which some readers (vobject among them) misread. DTSTART
    is the onset in the local time before the change (RFC 5545 3.6.5: 02:00 when Zurich moves
    to summer time, 03:00 when it moves back), and the VTIMEZONE carries no COMMENT, which RFC
    5545 does not allow there (libical reports it as an error).
    """
    tz = ZoneInfo(tzid)
    source = _ZoneSearch.from_tzinfo(
        tz, tzid, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1)
    )
    zone = Timezone()
    for key, value in source.items():
        if key != "COMMENT":
            zone[key] = value
    observances = []
    for block in source.subcomponents:
        rdates = block.get("RDATE", [])
        rdates = rdates if isinstance(rdates, list) else [rdates]
        starts = [block.decoded("DTSTART")] + [d.dt for rdate in rdates for d in rdate.dts]
        for start in starts:
            observance = type(block)()
            for key, value in block.items():
                if key not in ("DTSTART", "RDATE"):
                    observance[key] = value
            observance.add("dtstart", onset(tz, start, block.decoded("TZOFFSETFROM"), block.decoded("TZOFFSETTO")))
            observances.append(observance)
    for observance in sorted(observances, key=lambda o: o.decoded("DTSTART")):
        zone.add_component(observance)
    return zone


def onset(tz: ZoneInfo, local: datetime, offset_from: timedelta, offset_to: timedelta) -> datetime:
    """The wall-clock time, before the change, at which the offset changes near `local`.

    icalendar gives some onsets in the time after the change; the true instant is the one at
    which the zone's offset goes from `offset_from` to `offset_to`.
    """
    if offset_from == offset_to:
        return local
    for candidate in (local - offset_from, local - offset_to):
        instant = candidate.replace(tzinfo=timezone.utc)
        before = (instant - timedelta(seconds=1)).astimezone(tz).utcoffset()
        after = instant.astimezone(tz).utcoffset()
        if before == offset_from and after == offset_to:
            return (instant + offset_from).replace(tzinfo=None)
    return local
