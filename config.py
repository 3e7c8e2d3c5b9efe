"""Configuration classes, read from the environment (see README.md, "Configuration")."""
import os


def database_url(default=None, name="DATABASE_URL"):
    """The SQLAlchemy URL from the environment, always on the psycopg 3 driver for PostgreSQL."""
    url = os.environ.get(name, default)
    if url and url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Local defaults: an SQLite file in the instance folder, demo-friendly settings."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = database_url("sqlite:///eventapp.sqlite")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Public base URL for links that leave the request (e-mails, calendar feeds).
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")

    # The organisation's identity (see README.md, "Identity"): name (one string, or one per
    # language as JSON), short name, a logo under eventapp/static/, and colours (#rrggbb).
    ORGANISATION_NAME = os.environ.get("ORGANISATION_NAME") or {
        "en": "International Organization for Migration",
        "fr": "Organisation internationale pour les migrations",
        "es": "Organización Internacional para las Migraciones",
    }
    ORGANISATION_SHORT_NAME = os.environ.get("ORGANISATION_SHORT_NAME", "IOM")
    ORGANISATION_LOGO = os.environ.get("ORGANISATION_LOGO", "img/logo.svg")
    BRAND_COLOUR = os.environ.get("BRAND_COLOUR", "#0033a0")
    ACCENT_COLOUR = os.environ.get("ACCENT_COLOUR", "#a3262a")

    BABEL_DEFAULT_LOCALE = "en"
    LANGUAGES = ("en", "fr", "es")

    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = env_bool("MAIL_USE_TLS")
    MAIL_USE_SSL = env_bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "eventapp <no-reply@localhost>")
    # Hand new e-mails to a background thread as soon as they are committed, so the quick start
    # shows them seconds after registering; `flask mail send --loop` still retries whatever fails.
    MAIL_SEND_IMMEDIATELY = env_bool("MAIL_SEND_IMMEDIATELY", True)
    # The registration form writes its confirmation e-mail (text, HTML, calendar) after the commit,
    # before answering. Off: it leaves the e-mail to the mail worker (`flask mail send --loop`),
    # which writes and sends it on its next pass, so a rush of registrations costs the app servers
    # only the registrations themselves. Production leaves it to the worker, which it runs anyway.
    MAIL_WRITE_IN_REQUEST = env_bool("MAIL_WRITE_IN_REQUEST", True)

    # Public pages and feeds are cached in Redis when set (shared by every app server), else in memory.
    CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL")
    CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "eventapp:page:")

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")

    # Documents: bytes in the database unless STORAGE_URL names an S3-compatible bucket
    # (s3://bucket?endpoint_url=https://...&region=...); largest file accepted, in bytes.
    STORAGE_URL = os.environ.get("STORAGE_URL") or None
    DOCUMENT_MAX_BYTES = int(os.environ.get("DOCUMENT_MAX_BYTES", str(25 * 1024 * 1024)))
    RATELIMIT_HEADERS_ENABLED = True
    REGISTRATION_RATE_LIMIT = os.environ.get("REGISTRATION_RATE_LIMIT", "10 per minute;60 per hour")
    LOST_LINK_RATE_LIMIT = os.environ.get("LOST_LINK_RATE_LIMIT", "5 per minute;20 per hour")
    # Register and lost-link answers take at least this long, so that their timing does not tell
    # whether an address is registered; keep it above the slowest registration (see the log warning).
    REGISTRATION_MIN_SECONDS = float(os.environ.get("REGISTRATION_MIN_SECONDS", "0.4"))

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 8 * 3600

    # Organiser accounts: argon2id cost (RFC 9106 second recommended option) and login throttling.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 64 * 1024  # KiB
    PASSWORD_MIN_LENGTH = 12
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")


class TestingConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = False
    SECRET_KEY = "testing-only"
    SQLALCHEMY_DATABASE_URI = database_url("sqlite://", name="TEST_DATABASE_URL")
    PUBLIC_BASE_URL = "https://events.example.org"
    RATELIMIT_ENABLED = False
    REGISTRATION_MIN_SECONDS = 0  # the timing test sets its own; other tests stay fast
    MAIL_SERVER = None
    MAIL_SEND_IMMEDIATELY = False
    MAIL_DEFAULT_SENDER = "IDM registration <registration@events.example.org>"
    ARGON2_TIME_COST = 1  # fast hashing keeps the suite quick; production keeps the strong cost
    ARGON2_MEMORY_COST = 64


class ProductionConfig(Config):
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = database_url()
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL")
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    # Rate limits must be counted in storage every worker shares (Redis): memory:// refuses to start.
    RATELIMIT_REQUIRE_SHARED_STORAGE = True
    # Strict-Transport-Security: browsers use HTTPS only for a year (the TLS proxy must be in place).
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", str(365 * 24 * 3600)))
    # In production the worker (`flask mail send --loop`) delivers; requests only write the outbox.
    MAIL_SEND_IMMEDIATELY = env_bool("MAIL_SEND_IMMEDIATELY", False)
    MAIL_WRITE_IN_REQUEST = env_bool("MAIL_WRITE_IN_REQUEST", False)
