"""eventapp: agendas, registration and calendars for policy conferences."""
from pathlib import Path

from flask import Flask, render_template
from werkzeug.utils import import_string

from . import input_rules, security_headers
from .extensions import babel, csrf, db, limiter, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(config=None):
    """Build the application from a config class or import path."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        instance_relative_config=True,
    )
    load_config(app, config)
    input_rules.init_app(app)
    security_headers.init_app(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def load_config(app, config):
    import os

    config = config or os.environ.get("EVENTAPP_CONFIG") or "config.Config"
    if isinstance(config, str):
        config = import_string(config)
    app.config.from_object(config)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set in the environment.")
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        raise RuntimeError("DATABASE_URL must be set in the environment.")
    check_rate_limit_storage(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)


def check_rate_limit_storage(config):
    """Production refuses to start with rate limits counted in memory.

    Memory storage counts per worker process: with 4 gunicorn workers a limit of 10 a minute lets
    40 through. Every worker and server must count in one place (Redis).
    """
    storage = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if config.get("RATELIMIT_REQUIRE_SHARED_STORAGE") and config.get("RATELIMIT_ENABLED", True) \
            and storage.startswith("memory"):
        raise RuntimeError(
            "RATELIMIT_STORAGE_URI is memory://, which counts per worker process: set it to shared "
            "storage such as redis://127.0.0.1:6379/0 (see README.md, Production)."
        )


def register_extensions(app):
    from .cookies import SessionInterface
    from .i18n import select_locale
    from .services import mail

    app.session_interface = SessionInterface()

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    mail.init_app(app)
    from . import caching

    caching.init_app(app)
    from .organiser.access import init_login

    init_login(app)


def register_blueprints(app):
    from .agenda import bp as agenda_bp
    from .api import bp as api_bp
    from .documents import bp as documents_bp
    from .awards import bp as awards_bp
    from .calendars import bp as calendars_bp
    from .identity import bp as identity_bp
    from .organiser import bp as organiser_bp
    from .registration import bp as registration_bp

    app.register_blueprint(agenda_bp)
    app.register_blueprint(calendars_bp)
    app.register_blueprint(registration_bp)
    app.register_blueprint(awards_bp)
    app.register_blueprint(documents_bp)
    app.register_blueprint(identity_bp)
    app.register_blueprint(organiser_bp, url_prefix="/manage")
    app.register_blueprint(api_bp, url_prefix="/api/v1")


def register_errorhandlers(app):
    from .api.errors import error_response, is_api_request

    def render_error(error):
        code = getattr(error, "code", 500)
        if is_api_request():  # the API answers JSON, even for a URL it does not know
            return error_response(code)
        return render_template(f"errors/{code}.html", error=error), code

    for code in (400, 403, 404, 405, 429):
        app.register_error_handler(code, render_error)


def register_template_helpers(app):
    from . import templating

    templating.init_app(app)


def register_commands(app):
    from .cli import register

    register(app)
