"""Name badges: a QR code holding a signed check-in value, bound to the event and the registration.

The value is `<event id>.<registration id>.<signature>`: nobody can make one for another person
or another event without the application's secret key, and it opens nothing but check-in.
"""
from __future__ import annotations

import hashlib

import segno
from flask import current_app
from itsdangerous import BadSignature, Signer
from markupsafe import Markup

from ..numbers import parse_id

SALT = "eventapp.check-in"


def _signer():
    return Signer(current_app.config["SECRET_KEY"], salt=SALT, digest_method=hashlib.sha256)


def checkin_value(registration):
    """The signed value the badge's QR code holds."""
    return _signer().sign(f"{registration.event_id}.{registration.id}").decode("ascii")


def read_checkin_value(value):
    """(event id, registration id) from a signed value, or None if it is not one of ours."""
    value = (value or "").strip()
    if len(value) > 200 or value.count(".") != 2:
        return None
    try:
        payload = _signer().unsign(value).decode("ascii")
    except (BadSignature, UnicodeError):
        return None
    event_id, _, registration_id = payload.partition(".")
    if parse_id(event_id) is None or parse_id(registration_id) is None:
        return None
    return parse_id(event_id), parse_id(registration_id)


def looks_signed(value):
    """A scanned value shaped like ours (its signature may still be wrong)."""
    parts = (value or "").strip().split(".")
    return len(parts) == 3 and parts[0].isascii() and parts[0].isdigit() and parts[1].isascii() and parts[1].isdigit() and len(parts[2]) >= 20


def qr_svg(value):
    """The QR code of a value as inline SVG (no XML declaration), scalable for print."""
    # segno writes the SVG itself from the value's bits: no user text reaches the markup.
    return Markup(segno.make(value, error="m", micro=False).svg_inline(scale=4, border=2, omitsize=True))


def badge(registration):
    """What a badge shows: name, organisation, reference, the event and the QR code."""
    value = checkin_value(registration)
    return {
        "registration": registration,
        "name": registration.full_name,
        "organisation": registration.organisation,
        "reference": registration.reference,
        "value": value,
        "qr": qr_svg(value),
    }
