"""Answers whose duration does not tell whether an address is registered.

Registering a new address writes a registration, a reference, history and an e-mail with a
calendar; an address already registered only gets a reminder. Without care the first takes twice
as long, which tells a stranger who is registered. Every POST of these forms therefore answers no
sooner than a fixed time after it arrived (`REGISTRATION_MIN_SECONDS`, longer than the work).
"""
import time
from functools import wraps

from flask import current_app, request


def uniform_duration(view):
    """POSTs to this view take at least REGISTRATION_MIN_SECONDS, whatever the outcome."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if request.method != "POST":
            return view(*args, **kwargs)
        floor = float(current_app.config.get("REGISTRATION_MIN_SECONDS") or 0)
        started = time.monotonic()
        try:
            return view(*args, **kwargs)
        finally:
            remaining = floor - (time.monotonic() - started)
            if remaining > 0:
                time.sleep(remaining)
            elif floor:
                current_app.logger.warning("registration answer took %.3f s, over REGISTRATION_MIN_SECONDS", floor - remaining)

    return wrapped
