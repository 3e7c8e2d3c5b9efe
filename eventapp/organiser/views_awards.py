"""Manage pages for an event's Impact Awards: programme, release, categories, entries, running order, export.

Organisers see every entry with its real status here; the public pages and feeds read entries
through services/awards.public_entries() only, which keeps results secret until their release.
"""
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..models import AwardEntry, CeremonyItem
from ..services import agenda, audit, awards, awards_export, awards_manage, ceremony
from ..services.errors import DomainError
from ..services.local_times import to_local, to_utc
from .access import event_access
from .forms import choices
from .forms_awards import CategoryForm, CeremonyItemForm, EntryForm, ProgrammeForm, ReleaseForm
from .views import bp


def _programme_or_404(event):
    programme = event.awards_programme
    if programme is None:
        abort(404)
    return programme


def _category_or_404(programme, category_id):
    category = next((c for c in programme.categories if c.id == category_id), None)
    if category is None:
        abort(404)
    return category


def _entry_or_404(programme, entry_id):
    entry = db.session.get(AwardEntry, entry_id)
    if entry is None or entry.category.programme_id != programme.id:
        abort(404)
    return entry


def _item_or_404(programme, item_id):
    item = db.session.get(CeremonyItem, item_id)
    if item is None or item.programme_id != programme.id:
        abort(404)
    return item


def _show_error(form, exc):
    """A refusal beside the input it is about, else at the top of the form."""
    name = getattr(exc, "field", None)
    if name and name in form._fields:
        form[name].errors = [*form[name].errors, str(exc)]
    else:
        form.form_errors.append(str(exc))


def _record(action, event, target, **details):
    audit.record(current_user, action, event=event, target=target, details=details or None)


def _overview(event_id, anchor=""):
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
            _show_error(form, exc)
        else:
            _record(action, event, programme.title, published=programme.is_published)
            db.session.commit()
            flash(_("Awards programme “%(title)s” saved.", title=programme.title), "success")
            return _overview(event.id)
    return render_template("organiser/awards_programme.html", event=event, programme=programme, form=form)


@bp.route("/events/<int:event_id>/awards/release", methods=["POST"])
@event_access
def release_awards(event):
    """Release the results now, schedule their release (event's local time), or put them back under embargo."""
    programme = _programme_or_404(event)
    action = request.form.get("action")
    if action == "release":
        awards_manage.release_results(programme)
        _record("awards.release", event, programme.title)
        db.session.commit()
        flash(_("The results are released: winners now show on the public pages and in the calendar feed."), "success")
        return _overview(event.id, "#release")
    if action == "withdraw":
        awards_manage.withdraw_results(programme)
        _record("awards.withdraw", event, programme.title)
        db.session.commit()
        flash(_("The results are under embargo again: winners show as finalists and no release time is set."), "success")
        return _overview(event.id, "#release")
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
                _record("awards.schedule", event, programme.title, release_at=release_at.isoformat())
                db.session.commit()
                flash(_("The results will be released on %(when)s (%(zone)s time).",
                        when=form.release_at.data.strftime("%Y-%m-%d %H:%M"), zone=event.timezone), "success")
                return _overview(event.id, "#release")
    return _render_overview(event, programme, form)


@bp.route("/events/<int:event_id>/awards/entries.csv")
@event_access
def export_award_entries(event):
    """Every entry with its real status, for organisers only (results included even before the release)."""
    programme = _programme_or_404(event)
    text = awards_export.export_entries_csv(programme, include_results=True)
    response = Response(text, content_type=awards_export.MEDIA_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{event.slug}-awards-entries.csv"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


# Categories ---------------------------------------------------------------------------------


def _save_category(event, programme, category):
    form = CategoryForm(obj=category)
    if form.validate_on_submit():
        values = dict(name=form.name.data, description=form.description.data, is_sample=form.is_sample.data)
        slug = (form.slug.data or "").strip()
        try:
            if category is None:
                category = awards_manage.create_category(programme, slug=slug or None, **values)
                action = "award_category.create"
            else:
                awards_manage.update_category(category, slug=slug or category.slug, **values)
                action = "award_category.update"
        except DomainError as exc:
            db.session.rollback()
            _show_error(form, exc)
        else:
            _record(action, event, category.name, slug=category.slug)
            db.session.commit()
            flash(_("Category “%(name)s” saved.", name=category.name), "success")
            return _overview(event.id, f"#category-{category.id}")
    return render_template("organiser/awards_category.html", event=event, programme=programme,
                           category=category, form=form)


@bp.route("/events/<int:event_id>/awards/categories/new", methods=["GET", "POST"])
@event_access
def new_award_category(event):
    """Add an award category at the end of the programme."""
    return _save_category(event, _programme_or_404(event), None)


@bp.route("/events/<int:event_id>/awards/categories/<int:category_id>/edit", methods=["GET", "POST"])
@event_access
def edit_award_category(event, category_id):
    """Rename a category, change its web address or description."""
    programme = _programme_or_404(event)
    return _save_category(event, programme, _category_or_404(programme, category_id))


@bp.route("/events/<int:event_id>/awards/categories/<int:category_id>/delete", methods=["POST"])
@event_access
def delete_award_category(event, category_id):
    """Remove a category and its entries; running-order items presenting it stay, unlinked."""
    programme = _programme_or_404(event)
    category = _category_or_404(programme, category_id)
    name = category.name
    awards_manage.delete_category(category)
    _record("award_category.delete", event, name)
    db.session.commit()
    flash(_("Category “%(name)s” deleted with its entries.", name=name), "success")
    return _overview(event.id, "#categories")


@bp.route("/events/<int:event_id>/awards/categories/<int:category_id>/move", methods=["POST"])
@event_access
def move_award_category(event, category_id):
    """Move a category one place up or down in the programme's order."""
    programme = _programme_or_404(event)
    category = _category_or_404(programme, category_id)
    order = [c.id for c in programme.categories]
    index = order.index(category.id)
    target = index - 1 if request.form.get("direction") == "up" else index + 1
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
        awards_manage.reorder_categories(programme, order)
        _record("award_category.move", event, category.name, position=target + 1)
        db.session.commit()
    return _overview(event.id, f"#category-{category.id}")


# Entries ------------------------------------------------------------------------------------


@bp.route("/events/<int:event_id>/awards/categories/<int:category_id>/")
@event_access
def award_entries(event, category_id):
    """The entries of one category, with their real status."""
    programme = _programme_or_404(event)
    category = _category_or_404(programme, category_id)
    return render_template("organiser/awards_entries.html", event=event, programme=programme, category=category,
                           released=awards.results_released(programme))


def _save_entry(event, programme, category, entry):
    form = EntryForm(obj=entry)
    if form.validate_on_submit():
        values = {key: form[key].data for key in ("title", "organisation", "region", "summary", "link_url",
                                                  "status", "is_sample")}
        try:
            if entry is None:
                entry = awards_manage.create_entry(category, **values)
                action = "award_entry.create"
            else:
                awards_manage.update_entry(entry, **values)
                action = "award_entry.update"
        except DomainError as exc:
            db.session.rollback()
            _show_error(form, exc)
        else:
            _record(action, event, entry.title, category=category.name, status=entry.status)
            db.session.commit()
            flash(_("Entry “%(title)s” saved.", title=entry.title), "success")
            return redirect(url_for(".award_entries", event_id=event.id, category_id=category.id) + f"#entry-{entry.id}")
    return render_template("organiser/awards_entry.html", event=event, programme=programme, category=category,
                           entry=entry, form=form)


@bp.route("/events/<int:event_id>/awards/categories/<int:category_id>/entries/new", methods=["GET", "POST"])
@event_access
def new_award_entry(event, category_id):
    """Enter an initiative in a category."""
    programme = _programme_or_404(event)
    return _save_entry(event, programme, _category_or_404(programme, category_id), None)


@bp.route("/events/<int:event_id>/awards/entries/<int:entry_id>/edit", methods=["GET", "POST"])
@event_access
def edit_award_entry(event, entry_id):
    """Change an entry's details or status."""
    programme = _programme_or_404(event)
    entry = _entry_or_404(programme, entry_id)
    return _save_entry(event, programme, entry.category, entry)


@bp.route("/events/<int:event_id>/awards/entries/<int:entry_id>/delete", methods=["POST"])
@event_access
def delete_award_entry(event, entry_id):
    """Remove an entry."""
    programme = _programme_or_404(event)
    entry = _entry_or_404(programme, entry_id)
    category, title = entry.category, entry.title
    awards_manage.delete_entry(entry)
    _record("award_entry.delete", event, title, category=category.name)
    db.session.commit()
    flash(_("Entry “%(title)s” deleted.", title=title), "success")
    return redirect(url_for(".award_entries", event_id=event.id, category_id=category.id))


# The ceremony's running order ---------------------------------------------------------------


@bp.route("/events/<int:event_id>/awards/ceremony/")
@event_access
def award_ceremony(event):
    """The running order, grouped by the agenda session each item takes place in, in local time."""
    programme = _programme_or_404(event)
    return render_template("organiser/awards_ceremony.html", event=event, programme=programme,
                           groups=ceremony.running_order(programme),
                           outside={i.id for i in ceremony.items_outside_their_session(programme)})


def _item_form(event, programme, item):
    if item is None:
        sessions = agenda.event_sessions(event)
        start = to_local(sessions[0].starts_at if sessions else event.starts_at, event.timezone)
        data = {"starts_at": start, "ends_at": start, "session": 0, "category": 0}
    else:
        data = {"kind": item.kind, "title": item.title, "session": item.session_id,
                "starts_at": to_local(item.starts_at, event.timezone), "ends_at": to_local(item.ends_at, event.timezone),
                "category": item.category_id or 0, "is_sample": item.is_sample}
    form = CeremonyItemForm(data=data)
    form.session.choices = choices(
        [(0, _("(choose a session)"))]
        + [(s.id, f"{s.title}, {ceremony.session_window(s)}") for s in agenda.event_sessions(event)]
    )
    form.category.choices = choices([(0, _("(no category)"))] + [(c.id, c.name) for c in programme.categories])
    return form


def _item_values(event, programme, form):
    """The form's values for the services; times typed in the event's zone become UTC."""
    from ..models import EventSession

    session = db.session.get(EventSession, form.session.data) if form.session.data else None
    values = {"kind": form.kind.data, "title": form.title.data, "is_sample": form.is_sample.data,
              "session": session,
              "category": next((c for c in programme.categories if c.id == form.category.data), None)}
    for name in ("starts_at", "ends_at"):
        try:
            values[name] = to_utc(form[name].data, event.timezone)
        except DomainError as exc:
            exc.field = name
            raise
    return values


def _save_item(event, programme, item):
    form = _item_form(event, programme, item)
    if form.validate_on_submit():
        try:
            values = _item_values(event, programme, form)
            if item is None:
                item = ceremony.create_ceremony_item(programme, **values)
                action = "ceremony_item.create"
            else:
                ceremony.update_ceremony_item(item, **values)
                action = "ceremony_item.update"
        except DomainError as exc:
            db.session.rollback()
            _show_error(form, exc)
        else:
            _record(action, event, item.title, starts_at=item.starts_at.isoformat(), session=item.session.title)
            db.session.commit()
            flash(_("Running-order item “%(title)s” saved.", title=item.title), "success")
            return redirect(url_for(".award_ceremony", event_id=event.id) + f"#item-{item.id}")
    return render_template("organiser/awards_item.html", event=event, programme=programme, item=item, form=form)


@bp.route("/events/<int:event_id>/awards/ceremony/new", methods=["GET", "POST"])
@event_access
def new_ceremony_item(event):
    """Add an item to the running order, inside an agenda session."""
    return _save_item(event, _programme_or_404(event), None)


@bp.route("/events/<int:event_id>/awards/ceremony/<int:item_id>/edit", methods=["GET", "POST"])
@event_access
def edit_ceremony_item(event, item_id):
    """Change an item of the running order; it must stay inside its session."""
    programme = _programme_or_404(event)
    return _save_item(event, programme, _item_or_404(programme, item_id))


@bp.route("/events/<int:event_id>/awards/ceremony/<int:item_id>/delete", methods=["POST"])
@event_access
def delete_ceremony_item(event, item_id):
    """Remove an item from the running order."""
    programme = _programme_or_404(event)
    item = _item_or_404(programme, item_id)
    title = item.title
    ceremony.delete_ceremony_item(item)
    _record("ceremony_item.delete", event, title)
    db.session.commit()
    flash(_("Running-order item “%(title)s” deleted.", title=title), "success")
    return redirect(url_for(".award_ceremony", event_id=event.id))
