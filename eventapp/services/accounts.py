"""Organiser and admin accounts: creation, passwords (argon2id), sign-in and who may manage what."""
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _

from ..extensions import db
from ..models import Event, Role, User, event_organisers, utcnow
from ..models.organiser import new_session_token
from . import audit, login_sessions
from .errors import ValidationFailed


def _hasher():
    config = current_app.config
    return PasswordHasher(time_cost=config["ARGON2_TIME_COST"], memory_cost=config["ARGON2_MEMORY_COST"])


def normalise_email(email):
    """The address in the form it is stored and compared: checked, domain and all in lower case."""
    try:
        return validate_email((email or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise ValidationFailed(_("“%(email)s” is not a valid e-mail address.", email=email or "")) from None


def check_password(password):
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < minimum:
        raise ValidationFailed(_("The password must have at least %(num)d characters.", num=minimum))
    if len(password) > 1024:
        raise ValidationFailed(_("The password is too long."))


def user_by_email(email):
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def create_user(email, password, role, actor=None):
    """A new account; the e-mail must be free and the password long enough."""
    email = normalise_email(email)
    if role not in Role.ALL:
        raise ValidationFailed(_("Unknown role “%(role)s”.", role=role))
    if user_by_email(email) is not None:
        raise ValidationFailed(_("There is already an account for %(email)s.", email=email))
    check_password(password)
    user = User(email=email, role=role, password_hash=_hasher().hash(password))
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.create", target=email, details={"role": role})
    return user


def set_password(user, password, actor=None):
    """Change a password; every other signed-in session of that account ends."""
    check_password(password)
    user.password_hash = _hasher().hash(password)
    user.session_token = new_session_token()
    login_sessions.end_all(user)
    audit.record(actor or user, "user.password", target=user.email)


def authenticate(email, password):
    """The active user with this e-mail and password, or None (as slow either way)."""
    user = user_by_email(email or "")
    hasher = _hasher()
    if user is None or not user.is_active:
        try:
            hasher.verify(_dummy_hash(hasher), password or "")
        except VerificationError:
            pass
        return None
    try:
        hasher.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    user.last_login_at = utcnow()
    return user


_DUMMY = {}


def _dummy_hash(hasher):
    key = (hasher.time_cost, hasher.memory_cost)
    if key not in _DUMMY:
        _DUMMY[key] = hasher.hash("not a password of anyone")
    return _DUMMY[key]


def user_by_token(token):
    """The active account a login cookie names, for Flask-Login's user loader."""
    if not token:
        return None
    return db.session.scalar(sa.select(User).where(User.session_token == token, User.is_active.is_(True)))


def update_user(user, *, role, is_active, event_ids, actor):
    """Change an account's role, whether it may sign in, and the events it organises."""
    if role not in Role.ALL:
        raise ValidationFailed(_("Unknown role “%(role)s”.", role=role))
    if user.id == actor.id and (role != Role.ADMIN or not is_active):
        raise ValidationFailed(_("You cannot remove your own admin role or deactivate your own account."))
    events = db.session.scalars(sa.select(Event).where(Event.id.in_(event_ids or []))).all()
    before = {"role": user.role, "is_active": user.is_active, "events": sorted(e.slug for e in user.events)}
    user.role = role
    if user.is_active and not is_active:
        user.session_token = new_session_token()
        login_sessions.end_all(user)
    user.is_active = is_active
    user.events = list(events)
    after = {"role": role, "is_active": is_active, "events": sorted(e.slug for e in events)}
    if before != after:
        audit.record(actor, "user.update", target=user.email, details={"before": before, "after": after})


def list_users():
    return db.session.scalars(sa.select(User).order_by(User.email)).all()


def can_manage(user, event):
    """Admins manage every event; organisers only those they are named on."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    return db.session.scalar(
        sa.select(sa.exists().where(event_organisers.c.event_id == event.id, event_organisers.c.user_id == user.id))
    )


def managed_events(user):
    """The events this person may manage, the soonest first."""
    query = sa.select(Event).order_by(Event.starts_at.desc())
    if not user.is_admin:
        query = query.join(event_organisers, event_organisers.c.event_id == Event.id).where(
            event_organisers.c.user_id == user.id
        )
    return db.session.scalars(query).all()


def event_organiser_list(event):
    return db.session.scalars(
        sa.select(User).join(event_organisers).where(event_organisers.c.event_id == event.id).order_by(User.email)
    ).all()
