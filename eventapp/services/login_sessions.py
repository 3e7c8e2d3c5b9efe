"""Server-side sign-in sessions: started at sign-in, checked on every /manage request, ended at once."""
import hashlib
import secrets

import sqlalchemy as sa

from ..extensions import db
from ..models import LoginSession


def _hash(key):
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def start(user):
    """A new server-side session for this account; returns the key the cookie keeps (256 random bits)."""
    key = secrets.token_urlsafe(32)
    db.session.add(LoginSession(user_id=user.id, key_hash=_hash(key)))
    return key


def is_live(user, key):
    """Whether the cookie's key names a session of this account that has not been ended."""
    if not key or not isinstance(key, str) or len(key) > 100:
        return False
    return db.session.scalar(
        sa.select(LoginSession.id).where(LoginSession.key_hash == _hash(key), LoginSession.user_id == user.id)
    ) is not None


def end(key):
    """End one session (signing out): every copy of its cookie stops working on every server."""
    if key and isinstance(key, str):
        db.session.execute(sa.delete(LoginSession).where(LoginSession.key_hash == _hash(key)))


def end_all(user):
    """End every session of an account (disabled, or its password changed)."""
    db.session.execute(sa.delete(LoginSession).where(LoginSession.user_id == user.id))
