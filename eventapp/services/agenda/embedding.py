"""The agenda widget: which websites may show an event's agenda in a frame, and the snippet to copy."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import gettext as _
from markupsafe import escape

from ...urls import external_url
from .. import audit
from ..errors import ValidationFailed

MAX_ORIGINS = 20


def parse_origins(text):
    """Origins from one-per-line text, checked and normalised (scheme://host[:port]); refuses anything else."""
    origins = []
    for line in (text or "").replace("\r\n", "\n").split("\n"):
        line = line.strip().rstrip("/")
        if not line:
            continue
        parts = urlsplit(line)
        try:
            port = parts.port
        except ValueError:
            port = -1
        host = parts.hostname or ""
        if (parts.scheme not in ("https", "http") or not host or parts.path or parts.query or parts.fragment
                or parts.username or port == -1 or any(c in host for c in " *;'\"")):
            raise ValidationFailed(_("“%(origin)s” is not a website address such as https://www.example.org "
                                     "(scheme and host only, no path).", origin=line[:100]))
        origin = f"{parts.scheme}://{host}" + (f":{port}" if port else "")
        if origin not in origins:
            origins.append(origin)
    if len(origins) > MAX_ORIGINS:
        raise ValidationFailed(_("List at most %(num)d websites.", num=MAX_ORIGINS))
    return origins


def allowed_origins(event):
    return [o for o in (event.embed_origins or "").split("\n") if o]


def save_origins(event, text, actor):
    """Keep the websites allowed to frame the widget; returns whether anything changed."""
    origins = parse_origins(text)
    value = "\n".join(origins)
    if value == (event.embed_origins or ""):
        return False
    event.embed_origins = value
    audit.record(actor, "event.embed_origins", event=event, target=event.title, details={"origins": origins})
    return True


def frame_ancestors(event):
    """The CSP frame-ancestors source list for the widget: the listed websites, or nobody."""
    origins = allowed_origins(event)
    return " ".join(origins) if origins else "'none'"


def snippet(event, lang=None):
    """The HTML an organiser pastes into another website."""
    url = external_url("agenda.embed", slug=event.slug, lang=lang)
    title = escape(_("Agenda: %(event)s", event=event.title))
    return (f'<iframe src="{escape(url)}" title="{title}" loading="lazy" '
            f'style="width:100%;height:600px;border:0"></iframe>')
