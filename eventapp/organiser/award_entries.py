"""Awards pages for organisers: categories and their entries."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..extensions import db
from ..services.awards import programme as awards
from ..services.awards import manage as awards_manage
from ..services.errors import DomainError
from .access import event_access
from .forms_awards import CategoryForm, EntryForm
from .views import bp
from .awards import programme_or_404, category_or_404, entry_or_404, show_error, record, overview


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
            show_error(form, exc)
        else:
            record(action, event, category.name, slug=category.slug)
            db.session.commit()
            flash(_("Category “%(name)s” saved.", name=category.name), "success")
            return overview(event.id, f"#category-{category.id}")
    return render_template("organiser/awards_category.html", event=event, programme=programme,
                           category=category, form=form)


@bp.route("/events/<int:event_id>/awards/categories/new", methods=["GET", "POST"])
@event_access
def new_award_category(event):
    """Add an award category at the end of the programme."""
    return _save_category(event, programme_or_404(event), None)


@bp.route("/events/<int:event_id>/awards/categories/<int:category_id>/edit", methods=["GET", "POST"])
@event_access
def edit_award_category(event, category_id):
    """Rename a category, change its web address or description."""
    programme = programme_or_404(event)
    return _save_category(event, programme, category_or_404(programme, category_id))


@bp.route("/events/<int:event_id>/awards/categories/<int:category_id>/delete", methods=["POST"])
@event_access
def delete_award_category(event, category_id):
    """Remove a category and its entries; running-order items presenting it stay, unlinked."""
    programme = programme_or_404(event)
    category = category_or_404(programme, category_id)
    name = category.name
    awards_manage.delete_category(category)
    record("award_category.delete", event, name)
    db.session.commit()
    flash(_("Category “%(name)s” deleted with its entries.", name=name), "success")
    return overview(event.id, "#categories")


@bp.route("/events/<int:event_id>/awards/categories/<int:category_id>/move", methods=["POST"])
@event_access
def move_award_category(event, category_id):
    """Move a category one place up or down in the programme's order."""
    programme = programme_or_404(event)
    category = category_or_404(programme, category_id)
    order = [c.id for c in programme.categories]
    index = order.index(category.id)
    target = index - 1 if request.form.get("direction") == "up" else index + 1
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
        awards_manage.reorder_categories(programme, order)
        record("award_category.move", event, category.name, position=target + 1)
        db.session.commit()
    return overview(event.id, f"#category-{category.id}")


# Entries ------------------------------------------------------------------------------------


@bp.route("/events/<int:event_id>/awards/categories/<int:category_id>/")
@event_access
def award_entries(event, category_id):
    """The entries of one category, with their real status."""
    programme = programme_or_404(event)
    category = category_or_404(programme, category_id)
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
            show_error(form, exc)
        else:
            record(action, event, entry.title, category=category.name, status=entry.status)
            db.session.commit()
            flash(_("Entry “%(title)s” saved.", title=entry.title), "success")
            return redirect(url_for(".award_entries", event_id=event.id, category_id=category.id) + f"#entry-{entry.id}")
    return render_template("organiser/awards_entry.html", event=event, programme=programme, category=category,
                           entry=entry, form=form)


@bp.route("/events/<int:event_id>/awards/categories/<int:category_id>/entries/new", methods=["GET", "POST"])
@event_access
def new_award_entry(event, category_id):
    """Enter an initiative in a category."""
    programme = programme_or_404(event)
    return _save_entry(event, programme, category_or_404(programme, category_id), None)


@bp.route("/events/<int:event_id>/awards/entries/<int:entry_id>/edit", methods=["GET", "POST"])
@event_access
def edit_award_entry(event, entry_id):
    """Change an entry's details or status."""
    programme = programme_or_404(event)
    entry = entry_or_404(programme, entry_id)
    return _save_entry(event, programme, entry.category, entry)


@bp.route("/events/<int:event_id>/awards/entries/<int:entry_id>/delete", methods=["POST"])
@event_access
def delete_award_entry(event, entry_id):
    """Remove an entry."""
    programme = programme_or_404(event)
    entry = entry_or_404(programme, entry_id)
    category, title = entry.category, entry.title
    awards_manage.delete_entry(entry)
    record("award_entry.delete", event, title, category=category.name)
    db.session.commit()
    flash(_("Entry “%(title)s” deleted.", title=title), "success")
    return redirect(url_for(".award_entries", event_id=event.id, category_id=category.id))


# The ceremony's running order ---------------------------------------------------------------
