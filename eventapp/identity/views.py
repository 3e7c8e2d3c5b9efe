"""The organisation's identity from settings: name, logo and colours, a favicon.

Everything is served by the app itself (no external fonts or images). The colours come from
configuration and reach the pages through a small generated stylesheet, so no page needs an
inline style.
"""
import json
import re

from pathlib import Path

from flask import Blueprint, Response, current_app, url_for
from flask_babel import get_locale

bp = Blueprint("identity", __name__)

#: Only plain colour values reach the stylesheet: #rgb, #rrggbb.
COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")


def _colour(name, default):
    value = str(current_app.config.get(name) or default).strip()
    return value if COLOUR.fullmatch(value) else default


def organisation():
    """The organisation's name in the reader's language, its short name and its logo's URL."""
    config = current_app.config
    name = config.get("ORGANISATION_NAME") or "eventapp"
    if isinstance(name, str) and name.lstrip().startswith("{"):
        name = json.loads(name)  # one name per language, e.g. {"en": "...", "fr": "..."}
    if isinstance(name, dict):
        language = str(get_locale() or "en")
        name = name.get(language) or name.get("en") or next(iter(name.values()))
    logo = config.get("ORGANISATION_LOGO")
    return {
        "name": name,
        "short_name": config.get("ORGANISATION_SHORT_NAME") or name,
        "logo_url": url_for("static", filename=logo) if logo else None,
    }


@bp.app_context_processor
def inject_organisation():
    return {"organisation": organisation}


@bp.route("/identity.css")
def stylesheet():
    """The organisation's colours as CSS custom properties."""
    body = (
        ":root {\n"
        f"  --brand: {_colour('BRAND_COLOUR', '#0033a0')};\n"
        f"  --brand-ink: {_colour('BRAND_INK_COLOUR', '#ffffff')};\n"
        f"  --accent: {_colour('ACCENT_COLOUR', '#a3262a')};\n"
        "}\n"
    )
    response = Response(body, content_type="text/css; charset=utf-8")
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on every site: answer with the app's icon, not a 404."""
    with open(Path(current_app.static_folder) / "img" / "favicon.ico", "rb") as icon:
        response = Response(icon.read(), content_type="image/vnd.microsoft.icon")
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response
