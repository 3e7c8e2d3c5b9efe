"""Manage pages for an event's Impact Awards: programme, release, categories, entries, running order, export.

Organisers see every entry with its real status here; the public pages and feeds read entries
through services/awards.public_entries() only, which keeps results secret until their release.
"""
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..formatting import zone_city
from ..models import AwardEntry, CeremonyItem
from ..services import audit
from ..services.awards import programme as awards
from ..services.awards import export as awards_export
from ..services.awards import manage as awards_manage
from ..services.awards import ceremony
from ..services.errors import DomainError
from ..services.agenda.local_times import to_local, to_utc
from .access import event_access
from .forms_awards import ProgrammeForm, ReleaseForm
from .views import bp


def programme_or_404(event):
    programme = event.awards_programme
    if programme is None:
        abort(404)
    return programme


def category_or_404(programme, category_id):
    category = next((c for c in programme.categories if c.id == category_id), None)
    if category is None:
        abort(404)
    return category


def entry_or_404(programme, entry_id):
    entry = db.session.get(AwardEntry, entry_id)
    if entry is None or entry.category.programme_id != programme.id:
        abort(404)
    return entry


def item_or_404(programme, item_id):
    item = db.session.get(CeremonyItem, item_id)
    if item is None or item.programme_id != programme.id:
        abort(404)
    return item


def show_error(form, exc):
    """A refusal beside the input it is about, else at the top of the form."""
    name = getattr(exc, "field", None)
    if name and name in form._fields:
        form[name].errors = [*form[name].errors, str(exc)]
    else:
        form.form_errors.append(str(exc))


def record(action, event, target, **details):
    audit.record(current_user, action, event=event, target=target, details=details or None)


def overview(event_id, anchor=""):
    return redirect(url_for(".awards_overview", event_id=event_id) + anchor)


# The programme and its release ------------------------------------------------------------------


def _release_form(event, programme):
    release_at = programme.release_at and to_local(programme.release_at, event.timezone)
    return ReleaseForm(data={"release_at": release_at})


def _render_overview(event, programme, release_form=None):
    return render_template(
        "organiser/awards.html", event=event, programme=programme,
        released=programme is not None and awards.results_released(programme),
        release_form=release_form or (_release_form(event, programme) if programme else None),
        outside=ceremony.items_outside_their_session(programme) if programme else [],
    )


@bp.route("/events/<int:event_id>/awards/")
@event_access
def awards_overview(event):
    """The awards programme: its state, the release, the categories with their entries, the running order."""
    return _render_overview(event, event.awards_programme)


@bp.route("/events/<int:event_id>/awards/programme", methods=["GET", "POST"])
@event_access
def edit_awards(event):
    """Create the event's awards programme, or edit its title, introduction and visibility."""
    programme = event.awards_programme
    form = ProgrammeForm(obj=programme)
    if form.validate_on_submit():
        try:
            if programme is None:
                programme = awards_manage.create_programme(
                    event, title=form.title.data, introduction=form.introduction.data, is_sample=form.is_sample.data)
                action = "awards.create"
            else:
                awards_manage.update_programme(
                    programme, title=form.title.data, introduction=form.introduction.data, is_sample=form.is_sample.data)
                action = "awards.update"
            awards_manage.publish_programme(programme, form.is_published.data)
        except DomainError as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            record(action, event, programme.title, published=programme.is_published)
            db.session.commit()
            flash(_("Awards programme “%(title)s” saved.", title=programme.title), "success")
            return overview(event.id)
    return render_template("organiser/awards_programme.html", event=event, programme=programme, form=form)


@bp.route("/events/<int:event_id>/awards/release", methods=["POST"])
@event_access
def release_awards(event):
    """Release the results now, schedule their release (event's local time), or put them back under embargo."""
    programme = programme_or_404(event)
    action = request.form.get("action")
    if action == "release":
        awards_manage.release_results(programme)
        record("awards.release", event, programme.title)
        db.session.commit()
        flash(_("The results are released: winners now show on the public pages and in the calendar feed."), "success")
        return overview(event.id, "#release")
    if action == "withdraw":
        awards_manage.withdraw_results(programme)
        record("awards.withdraw", event, programme.title)
        db.session.commit()
        flash(_("The results are under embargo again: winners show as finalists and no release time is set."), "success")
        return overview(event.id, "#release")
    form = ReleaseForm()
    if form.validate_on_submit():
        if form.release_at.data is None:
            form.release_at.errors = [_("Give the date and time at which the results become public.")]
        else:
            try:
                release_at = to_utc(form.release_at.data, event.timezone)
                awards_manage.schedule_release(programme, release_at)
            except DomainError as exc:
                db.session.rollback()
                form.release_at.errors = [*form.release_at.errors, str(exc)]
            else:
                record("awards.schedule", event, programme.title, release_at=release_at.isoformat())
                db.session.commit()
                flash(_("The results will be released on %(when)s (%(zone)s time).",
                        when=form.release_at.data.strftime("%Y-%m-%d %H:%M"), zone=zone_city(event)), "success")
                return overview(event.id, "#release")
    return _render_overview(event, programme, form)


@bp.route("/events/<int:event_id>/awards/entries.csv")
@event_access
def export_award_entries(event):
    """Every entry with its real status, for organisers only (results included even before the release)."""
    programme = programme_or_404(event)
    text = awards_export.export_entries_csv(programme, include_results=True)
    response = Response(text, content_type=awards_export.MEDIA_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{event.slug}-awards-entries.csv"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


# Categories ---------------------------------------------------------------------------------
