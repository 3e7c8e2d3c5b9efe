"""Rules every request meets before any view runs, and answers for edits that raced each other.

Hostile input is refused at the depth where it belongs rather than route by route: URL integers
are bounded by their converter, a NUL character anywhere in the request is refused once here,
and two requests changing the same row at once get a "changed meanwhile" page (409).
"""
from flask import render_template, request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from .services.numbers import MAX_INT


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` that matches ASCII digits only and values a database id can hold.

    Werkzeug's own matches any Unicode digit (`²` passes `isdigit()` but not `int()`) and any
    size (2147483648 overflows PostgreSQL's integer); either now answers 404 like a missing id.
    """

    regex = r"[0-9]{1,10}"

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_INT, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _has_nul(values):
    return any("\x00" in value for value in values)


def refuse_nul():
    """A NUL character is never valid text (PostgreSQL refuses it): answer 400 before any view."""
    if "\x00" in request.path or "%00" in request.query_string.decode("latin-1").lower():
        raise BadRequest()
    if _has_nul(request.args.values()) or _has_nul(request.args.keys()):
        raise BadRequest()
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
        "application/x-www-form-urlencoded", "multipart/form-data"
    ):
        if _has_nul(request.form.keys()) or any(_has_nul(request.form.getlist(k)) for k in request.form):
            raise BadRequest()
    elif request.is_json and b"\\u0000" in request.get_data(cache=True):
        raise BadRequest()  # JSON writes NUL as an escape


def changed_meanwhile(error):
    """Two requests changed the same thing at once and this one lost: say so, change nothing."""
    from .extensions import db

    db.session.rollback()
    return render_template("errors/409.html"), 409


def init_app(app):
    """Install the bounded `int` converter (before any blueprint adds its rules) and the rules."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.before_request(refuse_nul)
    for error in (StaleDataError, ObjectDeletedError, IntegrityError):
        app.register_error_handler(error, changed_meanwhile)
