"""Manage links and e-mail confirmation links: 256 random bits, of which only a SHA-256 is kept."""
import hashlib
import secrets

import sqlalchemy as sa

from ...extensions import db
from ...models import Registration, RegistrationToken


def hash_token(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token():
    """256 random bits, URL-safe; only their SHA-256 is stored."""
    return secrets.token_urlsafe(32)


def issue_token(registration):
    """A new manage link for the registration (earlier links keep working)."""
    token = new_token()
    db.session.add(RegistrationToken(registration=registration, token_hash=hash_token(token)))
    return token


def registration_by_token(token):
    """The registration a manage link opens, or None."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        sa.select(Registration)
        .join(RegistrationToken, RegistrationToken.registration_id == Registration.id)
        .where(RegistrationToken.token_hash == hash_token(token))
    )
