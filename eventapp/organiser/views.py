"""Signing in and out, the organiser's dashboard and their password; other pages register on `bp` too."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db, limiter
from ..services import accounts
from ..services.desk import dashboard as dashboard_service
from ..services.errors import DomainError
from .access import end_session, require_login, safe_next, signed_in, start_session
from .forms import LoginForm, PasswordForm

bp = Blueprint("organiser", __name__)


@bp.before_request
def check_login():
    return require_login(request.endpoint)


@bp.after_request
def no_store(response):
    """Pages with unpublished data stay out of shared caches and the back-button cache."""
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    """The sign-in form; afterwards back to the page that asked for it."""
    target = safe_next(request.args.get("next"), url_for(".dashboard"))
    if current_user.is_authenticated:
        return redirect(target)
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            current_app.logger.warning("failed sign-in for %r from %s", form.email.data, request.remote_addr)
            form.form_errors.append(_("Wrong e-mail address or password."))
        else:
            start_session(user)
            db.session.commit()
            return redirect(target)
    return render_template("organiser/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    """Sign out (a POST with the form's token, so that no link or image can sign anyone out)."""
    end_session()
    db.session.commit()
    flash(_("You are signed out."), "info")
    return redirect(url_for(".login"))


@bp.route("/")
@signed_in
def dashboard():
    """The events this person manages, with their registrations and what needs attention."""
    lines = dashboard_service.overview(accounts.managed_events(current_user))
    return render_template("organiser/dashboard.html", events=[line.event for line in lines], lines=lines)


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password():
    """Change one's own password; other signed-in sessions of the account end."""
    form = PasswordForm()
    if form.validate_on_submit():
        if accounts.authenticate(current_user.email, form.current.data) is None:
            form.current.errors.append(_("This is not your current password."))
        else:
            try:
                accounts.set_password(current_user, form.password.data)
            except DomainError as exc:
                form.password.errors.append(str(exc))
            else:
                start_session(current_user._get_current_object())
                db.session.commit()
                flash(_("Your password has been changed."), "success")
                return redirect(url_for(".dashboard"))
    return render_template("organiser/password.html", form=form)
