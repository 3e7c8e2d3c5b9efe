"""The registrations desk: the filtered list, one registration's page, decisions, bulk actions, exports."""
from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import format_date, ngettext
from flask_login import current_user

from ..services.numbers import parse_id
from ..extensions import db
from ..services import audit
from ..services.registration import capacity
from ..services.desk import actions as desk_actions
from ..services.desk import export as desk_export
from ..services.desk import figures as desk_figures
from ..services.desk import search as desk_service
from ..services.registration.availability import registration_sessions
from ..services.errors import DomainError
from .access import event_access
from .forms_desk import ActionForm, BulkForm, CancelForm, DeclineForm, DeskEditForm, PromoteForm
from .views import bp


@bp.route("/events/<int:event_id>/registrations/")
@event_access
def desk(event):
    """Every registration of the event: search, filters, sorting, pages; bulk actions and exports."""
    desk_filter = desk_service.DeskFilter.from_args(request.args)
    page = desk_service.page(event, desk_filter, parse_id(request.args.get("page")) or 1)
    return render_template(
        "organiser/desk.html", event=event, f=desk_filter, page=page, countries=desk_service.countries(event),
        sessions=registration_sessions(event), columns=desk_export.COLUMNS, default_columns=desk_export.DEFAULT_COLUMNS,
    )


@bp.route("/events/<int:event_id>/registrations/figures")
@event_access
def desk_figures_page(event):
    """Counts by state, group, country and mode, places left, and registrations per day."""
    figures = desk_figures.figures(event)
    days = [(day, format_date(day, "medium"), number) for day, number in figures.per_day]
    return render_template("organiser/desk_figures.html", event=event, figures=figures, days=days,
                           chart=desk_figures.day_chart(figures.per_day))


@bp.route("/events/<int:event_id>/registrations/export.<any(csv, xlsx):fmt>")
@event_access
def desk_export_file(event, fmt):
    """The filtered list as CSV or Excel, with the chosen columns only."""
    desk_filter = desk_service.DeskFilter.from_args(request.args)
    columns = desk_export.chosen_columns(request.args.getlist("columns"))
    if fmt == "csv":
        body, mimetype = desk_export.to_csv(event, desk_filter, columns), desk_export.CSV_TYPE
    else:
        body, mimetype = desk_export.to_xlsx(event, desk_filter, columns), desk_export.XLSX_TYPE
    # Exports carry personal data: who took which, and with which filter, is kept in the audit log.
    audit.record(current_user, "registrations.export", event=event, target=fmt.upper(),
                 details={"filter": desk_filter.to_args(), "columns": columns})
    db.session.commit()
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{desk_export.filename(event, fmt)}"'
    return response


@bp.route("/events/<int:event_id>/registrations/bulk", methods=["GET", "POST"])
@event_access
def desk_bulk(event):
    """Approve or decline every eligible registration of the filtered selection, after confirming how many."""
    desk_filter = desk_service.DeskFilter.from_args(request.values)
    action = request.values.get("action", "")
    if action not in desk_actions.BULK_ACTIONS:
        if request.method == "POST":
            flash(_("Choose an action for the selection."), "error")
            return redirect(url_for(".desk", event_id=event.id, **desk_filter.to_args()))
        return render_template("organiser/desk_bulk.html", event=event, f=desk_filter, action=None,
                               total=desk_service.count(event, desk_filter))
    plan = desk_actions.plan_bulk(event, desk_filter, action)
    form = BulkForm(data={"action": action, "expected": plan.count})
    if form.validate_on_submit():
        expected = form.expected.data
        try:
            result = desk_actions.run_bulk(event, desk_filter, action, current_user, reason=form.reason.data,
                                           expected=parse_id(expected))
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
            plan = desk_actions.plan_bulk(event, desk_filter, action)
            form.expected.data = plan.count
        else:
            db.session.commit()
            message = (ngettext("%(num)d registration approved.", "%(num)d registrations approved.", result.done)
                       if action == desk_actions.APPROVE else
                       ngettext("%(num)d registration declined.", "%(num)d registrations declined.", result.done))
            flash(message, "success")
            for reference, error in result.failed:
                flash(f"{reference}: {error}", "error")
            return redirect(url_for(".desk", event_id=event.id, **desk_filter.to_args()))
    sample = desk_service.sample(event, desk_filter, plan.eligible)
    return render_template("organiser/desk_bulk.html", event=event, f=desk_filter, plan=plan, form=form,
                           action=action, sample=sample)


def _registration_page(event, registration, **forms):
    forms.setdefault("decline_form", DeclineForm(prefix="decline"))
    forms.setdefault("cancel_form", CancelForm(prefix="cancel"))
    forms.setdefault("promote_form", PromoteForm(prefix="promote"))
    return render_template(
        "organiser/desk_registration.html", event=event, registration=registration, action_form=ActionForm(),
        position=capacity.waitlist_position(registration),
        places_left=(capacity.places_left(event.registration_policy, registration.mode)
                     if event.registration_policy is not None else None),
        **forms,
    )


@bp.route("/events/<int:event_id>/registrations/<int:registration_id>")
@event_access
def desk_registration(event, registration_id):
    """One registration: details, sessions, the history of its states, and the decisions to take."""
    return _registration_page(event, desk_service.registration_or_404(event, registration_id))


def _decide(event, registration, do, success):
    try:
        do()
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(success, "success")
    return redirect(url_for(".desk_registration", event_id=event.id, registration_id=registration.id))


@bp.route("/events/<int:event_id>/registrations/<int:registration_id>/approve", methods=["POST"])
@event_access
def desk_approve(event, registration_id):
    """Approve a registration awaiting approval: confirmed if a place is left, else waiting list."""
    registration = desk_service.registration_or_404(event, registration_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for(".desk_registration", event_id=event.id, registration_id=registration.id))
    return _decide(event, registration, lambda: desk_actions.approve(registration, current_user),
                   _("Registration %(reference)s approved.", reference=registration.reference))


@bp.route("/events/<int:event_id>/registrations/<int:registration_id>/decline", methods=["POST"])
@event_access
def desk_decline(event, registration_id):
    """Decline a registration; the reason is e-mailed to the person."""
    registration = desk_service.registration_or_404(event, registration_id)
    form = DeclineForm(prefix="decline")
    if not form.validate_on_submit():
        return _registration_page(event, registration, decline_form=form)
    return _decide(event, registration, lambda: desk_actions.decline(registration, form.reason.data, current_user),
                   _("Registration %(reference)s declined; the reason was sent.", reference=registration.reference))


@bp.route("/events/<int:event_id>/registrations/<int:registration_id>/promote", methods=["POST"])
@event_access
def desk_promote(event, registration_id):
    """Move a person from the waiting list to a confirmed place."""
    registration = desk_service.registration_or_404(event, registration_id)
    form = PromoteForm(prefix="promote")
    if not form.validate_on_submit():
        return redirect(url_for(".desk_registration", event_id=event.id, registration_id=registration.id))
    return _decide(event, registration,
                   lambda: desk_actions.move_from_waiting_list(registration, current_user,
                                                               over_capacity=form.over_capacity.data),
                   _("Registration %(reference)s confirmed from the waiting list.", reference=registration.reference))


@bp.route("/events/<int:event_id>/registrations/<int:registration_id>/cancel", methods=["POST"])
@event_access
def desk_cancel(event, registration_id):
    """Cancel a registration for the person; the place goes to the waiting list."""
    registration = desk_service.registration_or_404(event, registration_id)
    form = CancelForm(prefix="cancel")
    if not form.validate_on_submit():
        return _registration_page(event, registration, cancel_form=form)
    return _decide(event, registration, lambda: desk_actions.cancel(registration, form.reason.data, current_user),
                   _("Registration %(reference)s cancelled.", reference=registration.reference))


@bp.route("/events/<int:event_id>/registrations/<int:registration_id>/edit", methods=["GET", "POST"])
@event_access
def desk_edit(event, registration_id):
    """Correct a person's details, address or way of taking part."""
    registration = desk_service.registration_or_404(event, registration_id)
    policy = event.registration_policy
    if policy is None:
        return redirect(url_for(".desk_registration", event_id=event.id, registration_id=registration.id))
    data = {name: getattr(registration, name) for name in ("first_name", "last_name", "email", "organisation",
            "job_title", "stakeholder_group", "accessibility_needs", "dietary_requirements", "mode")}
    data["country"] = registration.country_code
    form = DeskEditForm(data=data if request.method == "GET" else None, policy=policy)
    if form.validate_on_submit():
        values = {name: f.data for name, f in form._fields.items() if name != "csrf_token"}
        try:
            changed = desk_actions.edit(registration, values, current_user)
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Registration %(reference)s saved.", reference=registration.reference) if changed
                  else _("Nothing changed."), "success")
            return redirect(url_for(".desk_registration", event_id=event.id, registration_id=registration.id))
    return render_template("organiser/desk_edit.html", event=event, registration=registration, form=form)
