"""Admin pages: accounts, who organises which event, and the audit log."""
import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..services.numbers import parse_id
from ..extensions import db
from ..models import Event, User
from ..services import accounts, audit
from ..services.errors import DomainError
from .access import admin_required
from .forms import NewUserForm, UserForm, choices
from .labels import AUDIT_ACTION_LABELS
from .views import bp


@bp.route("/users/")
@admin_required
def users():
    """Every account, its role and its events."""
    return render_template("organiser/users.html", users=accounts.list_users())


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def new_user():
    """Create an admin or organiser account with a first password."""
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(form.email.data, form.password.data, form.role.data, actor=current_user)
        except DomainError as exc:
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Account %(email)s created. Name the events this person organises.", email=user.email), "success")
            return redirect(url_for(".edit_user", user_id=user.id))
    return render_template("organiser/user_new.html", form=form)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_user(user_id):
    """Change an account's role, its events, whether it may sign in, or its password."""
    user = db.get_or_404(User, user_id)
    form = UserForm(data={"role": user.role, "is_active": user.is_active, "events": [e.id for e in user.events]})
    all_events = db.session.scalars(sa.select(Event).order_by(Event.starts_at.desc())).all()
    form.events.choices = choices((e.id, e.title) for e in all_events)
    if form.validate_on_submit():
        try:
            accounts.update_user(user, role=form.role.data, is_active=form.is_active.data,
                                 event_ids=form.events.data, actor=current_user)
            if form.password.data:
                accounts.set_password(user, form.password.data, actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Account %(email)s saved.", email=user.email), "success")
            return redirect(url_for(".users"))
    return render_template("organiser/user_form.html", form=form, user=user)


@bp.route("/audit")
@admin_required
def audit_log():
    """Who changed what and when, newest first; ?event=<id> narrows it to one event."""
    event_id = parse_id(request.args.get("event"))
    events = db.session.scalars(sa.select(Event).order_by(Event.starts_at.desc())).all()
    return render_template("organiser/audit.html", entries=audit.entries(event_id), events=events,
                           event_id=event_id, labels=AUDIT_ACTION_LABELS)
