"""The session cookie, left out of responses meant to be identical for everyone."""
from flask import g
from flask.sessions import SecureCookieSessionInterface


def make_cookie_free():
    """Mark this response as public: no Set-Cookie and no "Vary: Cookie" (e.g. calendar feeds).

    Extensions may read the session on every request (Flask-Login checks its remember flag),
    which would make shared caches keep one copy of a feed per visitor.
    """
    g.cookie_free = True


class SessionInterface(SecureCookieSessionInterface):
    def save_session(self, app, session, response):
        if g.get("cookie_free"):
            return
        super().save_session(app, session, response)
