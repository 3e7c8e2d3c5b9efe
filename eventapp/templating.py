"""Jinja filters and globals: local times in the event's zone, labels, the demo notice."""
from datetime import timezone
from functools import lru_cache
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from babel.dates import format_date, format_datetime, format_interval, format_time
from flask import request, url_for
from flask_babel import get_locale
from markupsafe import Markup, escape

from . import i18n
from .formatting import colon, format_locale, zone_city
from .extensions import db
from .models import Event


def _zone(tz):
    return ZoneInfo(tz) if isinstance(tz, str) else (tz or timezone.utc)


def local_time(dt, tz):
    """09:00, in the given zone."""
    return format_time(dt, "HH:mm", tzinfo=_zone(tz), locale=format_locale())


def local_date(dt, tz, fmt="full"):
    """Monday 25 November 2024, as the reader's language writes it, on the event's calendar."""
    return format_date(dt.astimezone(_zone(tz)).date(), fmt, locale=format_locale())


def local_datetime(dt, tz, fmt="medium"):
    """6 Dec 2026, 16:15 (British English for English): the date in the given style, a 24-hour
    time without seconds."""
    locale = format_locale()
    date_pattern = locale.date_formats[fmt].pattern
    pattern = str(locale.datetime_formats[fmt]).replace("{1}", date_pattern).replace("{0}", "HH:mm")
    return format_datetime(dt, pattern, tzinfo=_zone(tz), locale=locale)


def local_iso(dt, tz):
    """ISO 8601 with the zone's offset, for <time datetime>."""
    return dt.astimezone(_zone(tz)).isoformat()


def date_range(start, end, tz):
    """13–14 June 2022, or one date for a one-day event."""
    zone = _zone(tz)
    first, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    if end.astimezone(zone).time() == end.astimezone(zone).time().min and last > first:
        last = last.fromordinal(last.toordinal() - 1)  # ends at midnight: the day before
    return _dates_between(first, last, str(format_locale()))


@lru_cache(maxsize=256)
def _dates_between(first, last, locale):
    """Babel matches the interval's skeleton anew on every call: written once per dates and language."""
    if first == last:
        return format_date(first, "long", locale=locale)
    return format_interval(first, last, "yMMMMd", locale=locale)


def short_date(day):
    """Mon 25 Nov, for the day links of a long agenda."""
    return format_date(day, "EEE d MMM", locale=get_locale())


def zone_label(tz, dt):
    """Geneva time (CET, UTC+01:00)."""
    local = dt.astimezone(_zone(tz))
    offset = local.strftime("%z")
    return f"{local.tzname()}, UTC{offset[:3]}:{offset[3:]}"


def paragraphs(text):
    """Plain text to escaped paragraphs and lists: blank lines split paragraphs, "- " lines list."""
    out = []
    for block in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        items = [line[2:] for line in lines if line.startswith("- ")]
        prose = [line for line in lines if not line.startswith("- ")]
        if prose:
            out.append(Markup("<p>{}</p>").format(Markup("<br>").join(escape(p) for p in prose)))
        if items:
            out.append(
                Markup("<ul>{}</ul>").format(
                    Markup("").join(Markup("<li>{}</li>").format(i) for i in items)
                )
            )
    return Markup("\n").join(out)


def url_with(**changes):
    """The current URL with some query parameters changed (None removes one)."""
    args = request.args.to_dict(flat=False)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    query = urlencode(args, doseq=True)
    return f"{request.path}?{query}" if query else request.path


def tag_label(tag):
    """A tag's label in the reader's language: SDGs by their official names, others as stored."""
    from flask_babel import gettext

    from .models import TagScheme
    from .taxonomy import SDG_NAMES

    if tag.scheme == TagScheme.SDG and tag.code in SDG_NAMES:
        return gettext("SDG %(number)s: %(name)s", number=tag.code, name=gettext(SDG_NAMES[tag.code]))
    return tag.label


def history_reason(reason):
    """A registration history reason in the reader's language: the application's own reasons are
    stored in English and marked with N_() for the catalogue; an organiser's words stay as written."""
    from flask_babel import gettext

    if not reason:
        return ""
    shown = gettext(reason)
    if shown == reason and ": " in reason:  # "Details edited: email, organisation"
        head, tail = reason.split(": ", 1)
        return f"{gettext(head)}: {tail}"
    return shown


def card_urls(event):
    """URL templates for the links of an agenda's cards, built once per page (see urls.py)."""
    from flask import g

    from .urls import id_url_template

    cache = g.setdefault("card_urls", {})
    if event.slug not in cache:
        ids = {
            "page": ("agenda.session", {}),
            "ics": ("calendars.session_download", {}),
            "google": ("calendars.add_session", {"service": "google"}),
            "outlook": ("calendars.add_session", {"service": "outlook"}),
            "office365": ("calendars.add_session", {"service": "office365"}),
        }
        urls = {
            key: id_url_template(endpoint, "session_id", slug=event.slug, **extra)
            for key, (endpoint, extra) in ids.items()
        }
        urls["speaker"] = url_for("agenda.speaker", slug=event.slug, person_slug="SLUG").replace("SLUG", "{}")
        cache[event.slug] = urls
    return cache[event.slug]


def demo_loaded():
    return db.session.scalar(sa.select(sa.exists().where(Event.is_demo.is_(True))))


def init_app(app):
    app.jinja_env.filters.update(
        local_time=local_time,
        local_date=local_date,
        local_datetime=local_datetime,
        local_iso=local_iso,
        short_date=short_date,
        paragraphs=paragraphs,
        tag_label=tag_label,
        history_reason=history_reason,
    )
    app.jinja_env.globals.update(
        date_range=date_range,
        zone_label=zone_label,
        zone_city=zone_city,
        colon=colon,
        url_with=url_with,
        card_urls=card_urls,
        SESSION_TYPE_LABELS=i18n.SESSION_TYPE_LABELS,
        EVENT_KIND_LABELS=i18n.EVENT_KIND_LABELS,
        SPEAKER_ROLE_LABELS=i18n.SPEAKER_ROLE_LABELS,
        ENTRY_STATUS_LABELS=i18n.ENTRY_STATUS_LABELS,
        CEREMONY_KIND_LABELS=i18n.CEREMONY_KIND_LABELS,
        LANGUAGE_NAMES=i18n.LANGUAGE_NAMES,
        STAKEHOLDER_GROUP_LABELS=i18n.STAKEHOLDER_GROUP_LABELS,
        PARTICIPATION_MODE_LABELS=i18n.PARTICIPATION_MODE_LABELS,
        REGISTRATION_STATE_LABELS=i18n.REGISTRATION_STATE_LABELS,
        BOOKING_STATE_LABELS=i18n.BOOKING_STATE_LABELS,
        country_name=i18n.country_name,
    )

    @app.context_processor
    def inject_globals():
        return {"demo_loaded": demo_loaded, "current_locale": get_locale}
