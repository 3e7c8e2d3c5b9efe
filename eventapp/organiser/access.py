"""Who may open which /manage page, checked on the server for every request."""
from datetime import datetime, timezone
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, flash, g, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user

from ..extensions import db, login_manager
from ..models import Event
from ..services import login_sessions
from ..services.accounts import can_manage, user_by_token

#: Pages anyone may open: the login form itself.
PUBLIC_ENDPOINTS = {"organiser.login"}


def init_login(app):
    """Flask-Login: where anonymous visitors go, how a cookie finds its account."""
    login_manager.init_app(app)
    login_manager.login_view = "organiser.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(user_by_token)

    @app.before_request
    def forget_previous_user():
        # Flask-Login caches the user on `g`; when an app context outlives one request (tests,
        # CLI-driven requests) the next request must still read its own cookie.
        g.pop("_login_user", None)


def require_login(endpoint):
    """Run before every /manage request: anonymous visitors and expired sessions go to the login form."""
    if endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    signed_in = session.get("signed_in_at")
    lifetime = current_app.permanent_session_lifetime
    now = datetime.now(timezone.utc).timestamp()
    if signed_in is None or now - signed_in > lifetime.total_seconds():
        logout_user()
        session.clear()
        flash(_l("Your session has expired: please sign in again."), "info")
        return login_manager.unauthorized()
    if not login_sessions.is_live(current_user, session.get("login_key")):
        # signed out elsewhere (this is a copy of an ended session) or the account was disabled
        logout_user()
        session.clear()
        return login_manager.unauthorized()
    return None


def start_session(user):
    """A fresh session for a user who just signed in (no fixation), expiring after the configured time."""
    from flask_login import login_user

    session.clear()
    session.permanent = True
    login_user(user)
    session["signed_in_at"] = datetime.now(timezone.utc).timestamp()
    session["login_key"] = login_sessions.start(user)


def end_session():
    """Sign out: the server-side session ends, so every copy of the cookie stops working."""
    from flask_login import logout_user

    login_sessions.end(session.get("login_key"))
    logout_user()
    session.clear()


def admin_required(view):
    """Only admins: others get 403."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    wrapped.access = "admin"
    return wrapped


def signed_in(view):
    """Any signed-in admin or organiser (the login check itself runs for the whole blueprint)."""
    view.access = "user"
    return view


def event_access(view):
    """Load the event named by `event_id` if the user manages it; others get 404, never its data."""
    @wraps(view)
    def wrapped(event_id, *args, **kwargs):
        event = db.session.get(Event, event_id)
        if event is None or not can_manage(current_user, event):
            abort(404)
        return view(event, *args, **kwargs)

    wrapped.access = "event"
    return wrapped


def safe_next(target, default):
    """Where to go after signing in: only a path on this site, never another host."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return default
    return target
