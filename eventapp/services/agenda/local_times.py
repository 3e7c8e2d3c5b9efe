"""Wall-clock times typed by organisers in an event's zone, turned into UTC instants and back."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask_babel import gettext as _

from ..errors import ValidationFailed


def check_timezone(name):
    """The ZoneInfo for an IANA name such as Europe/Zurich, or a refusal naming the problem."""
    name = (name or "").strip()
    if name not in available_timezones():
        raise ValidationFailed(
            _("“%(name)s” is not a time zone name. Use an IANA name such as Europe/Zurich or America/New_York.", name=name)
        )
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):  # pragma: no cover - listed names load
        raise ValidationFailed(_("“%(name)s” is not a time zone name.", name=name)) from None


def to_utc(local, tz):
    """The UTC instant of a wall-clock time in `tz`; refuses times skipped when clocks go forward.

    A time that happens twice when clocks go back is read as the first one (summer time).
    """
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    if local.tzinfo is not None:
        raise ValueError("to_utc takes a wall-clock (naive) time")
    aware = local.replace(tzinfo=zone, fold=0)
    instant = aware.astimezone(timezone.utc)
    if instant.astimezone(zone).replace(tzinfo=None) != local:
        raise ValidationFailed(
            _(
                "%(time)s does not exist in %(zone)s: the clocks go forward at that moment "
                "(daylight saving time). Choose a time before or after the change.",
                time=local.strftime("%Y-%m-%d %H:%M"),
                zone=zone.key,
            )
        )
    return instant


def to_local(instant, tz):
    """The wall-clock time (naive) of a UTC instant in `tz`, for a form field."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    return instant.astimezone(zone).replace(tzinfo=None)


def parse_local(text):
    """A wall-clock time written as YYYY-MM-DD HH:MM (a T between the two also works)."""
    value = (text or "").strip().replace("T", " ")
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M")
    except ValueError:
        raise ValidationFailed(
            _("“%(value)s” is not a date and time of the form YYYY-MM-DD HH:MM.", value=text or "")
        ) from None
