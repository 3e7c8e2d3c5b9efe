"""The registrations desk: the filtered list, one registration's page, decisions, bulk actions, exports."""
from flask import Response, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import get_locale, ngettext
from flask_babel import lazy_gettext as _l

from ..formatting import format_day as format_date
from flask_login import current_user

from ..services.numbers import parse_id
from ..extensions import db
from ..registration import question_fields
from ..services import audit
from ..services.registration import answer_display
from ..services.registration import answers as answer_rules
from ..services.registration import capacity
from ..services.desk import actions as desk_actions
from ..services.desk import export as desk_export
from ..services.desk import figures as desk_figures
from ..services.desk import search as desk_service
from ..services.registration.availability import registration_sessions
from ..services.registration.delegation_lists import delegations_of
from ..services.errors import DomainError
from .access import event_access
from .forms_desk import ActionForm, BulkForm, CancelForm, DeclineForm, DeskEditForm, PromoteForm
from .views import bp


#: Columns of the desk's table: key -> (heading, sort key). Name and State are always shown.
TABLE_COLUMNS = {
    "reference": (_l("Reference"), "reference"),
    "name": (_l("Name"), "name"),
    "email": (_l("E-mail address"), "email"),
    "organisation": (_l("Organisation"), "organisation"),
    "group": (_l("Stakeholder group"), "group"),
    "country": (_l("Country"), "country"),
    "mode": (_l("Participation"), "mode"),
    "state": (_l("State"), "state"),
    "registered": (_l("Registered"), "registered"),
}
ALWAYS_SHOWN = ("name", "state")
#: Few enough to fit 1280 px with State and Registered in view; the organiser adds the others.
DEFAULT_TABLE_COLUMNS = ("reference", "name", "organisation", "state", "registered")
COLUMNS_KEY = "desk_columns"  #: where the organiser's choice is remembered (their signed session)


def table_columns(args):
    """The table's columns: chosen now (and remembered), else remembered, else the default set."""
    if args.get("choose_columns"):
        wanted = set(args.getlist("show")) | set(ALWAYS_SHOWN)
        session[COLUMNS_KEY] = [key for key in TABLE_COLUMNS if key in wanted]
    remembered = session.get(COLUMNS_KEY) or DEFAULT_TABLE_COLUMNS
    return [key for key in TABLE_COLUMNS if key in set(remembered) | set(ALWAYS_SHOWN)]


def language():
    return str(get_locale() or "en")


@bp.route("/events/<int:event_id>/registrations/")
@event_access
def desk(event):
    """Every registration of the event: search, filters, sorting, pages; ticked or filtered bulk actions and exports."""
    desk_filter = desk_service.DeskFilter.from_args(request.args)
    page = desk_service.page(event, desk_filter, parse_id(request.args.get("page")) or 1, language=language())
    question_columns = desk_export.question_columns(event)
    shown = [question_columns[f"q{i}"] for i in desk_filter.show if f"q{i}" in question_columns]
    return render_template(
        "organiser/desk.html", event=event, f=desk_filter, page=page, countries=desk_service.countries(event),
        sessions=registration_sessions(event), columns=desk_export.COLUMNS, default_columns=desk_export.DEFAULT_COLUMNS,
        table_columns=table_columns(request.args), all_table_columns=TABLE_COLUMNS, always_shown=ALWAYS_SHOWN,
        question_columns=question_columns, shown=shown,
        answers=(answer_display.answer_texts([r.id for r in page.items], [q for q, _heading in shown], str(get_locale()))
                 if shown else {}),
        delegations=delegations_of(event),
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
    columns = desk_export.chosen_columns(request.args.getlist("columns"), desk_export.question_columns(event))
    if fmt == "csv":
        body, mimetype = desk_export.to_csv(event, desk_filter, columns, language=language()), desk_export.CSV_TYPE
    else:
        body, mimetype = desk_export.to_xlsx(event, desk_filter, columns, language=language()), desk_export.XLSX_TYPE
    # Exports carry personal data: who took which, and with which filter, is kept in the audit log.
    audit.record(current_user, "registrations.export", event=event, target=fmt.upper(),
                 details={"filter": desk_filter.to_args(), "columns": columns})
    db.session.commit()
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{desk_export.filename(event, fmt)}"'
    return response


BULK_DONE = {
    desk_actions.APPROVE: lambda n: ngettext("%(num)d registration approved.", "%(num)d registrations approved.", n),
    desk_actions.PROMOTE: lambda n: ngettext("%(num)d registration confirmed from the waiting list.",
                                             "%(num)d registrations confirmed from the waiting list.", n),
    desk_actions.DECLINE: lambda n: ngettext("%(num)d registration declined.", "%(num)d registrations declined.", n),
}


@bp.route("/events/<int:event_id>/registrations/bulk", methods=["GET", "POST"])
@event_access
def desk_bulk(event):
    """Act on the ticked registrations or on all the filters match, after seeing who and what happens to each."""
    desk_filter = desk_service.DeskFilter.from_args(request.values)
    action = request.values.get("action", "")
    back = url_for(".desk", event_id=event.id, **desk_filter.to_args())
    if request.values.get("scope") == "ticked" and not desk_filter.ids:
        flash(_("Tick at least one registration, or act on all that match the filters."), "error")
        return redirect(url_for(".desk", event_id=event.id, **desk_filter.to_args()))
    if action not in desk_actions.BULK_ACTIONS:
        if request.method == "POST":
            flash(_("Choose an action for the selection."), "error")
            return redirect(back)
        return render_template("organiser/desk_bulk.html", event=event, f=desk_filter, action=None,
                               total=desk_service.count(event, desk_filter))
    form = BulkForm()
    over_capacity = bool(form.over_capacity.data) if request.method == "POST" else False
    plan = desk_actions.plan_bulk(event, desk_filter, action, over_capacity=over_capacity)
    if request.method == "GET":
        form.action.data, form.expected.data = action, plan.count
    if form.validate_on_submit():
        expected = form.expected.data
        try:
            result = desk_actions.run_bulk(event, desk_filter, action, current_user, reason=form.reason.data,
                                           expected=parse_id(expected), over_capacity=over_capacity)
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
            plan = desk_actions.plan_bulk(event, desk_filter, action, over_capacity=over_capacity)
            form.expected.data = plan.count
        else:
            db.session.commit()
            flash(BULK_DONE[action](result.done), "success")
            if action != desk_actions.DECLINE and result.waitlisted:
                flash(ngettext("%(num)d person is on the waiting list, in the order they registered.",
                               "%(num)d people are on the waiting list, in the order they registered.",
                               result.waitlisted), "info")
            for reference, error in result.failed:
                flash(f"{reference}: {error}", "error")
            return redirect(url_for(".desk", event_id=event.id, **desk_filter.to_args(ids=())))
    people = desk_service.people(plan.eligible)
    return render_template("organiser/desk_bulk.html", event=event, f=desk_filter, plan=plan, form=form,
                           action=action, people=people, back=back)


def _registration_page(event, registration, **forms):
    forms.setdefault("decline_form", DeclineForm(prefix="decline"))
    forms.setdefault("cancel_form", CancelForm(prefix="cancel"))
    forms.setdefault("promote_form", PromoteForm(prefix="promote"))
    return render_template(
        "organiser/desk_registration.html", event=event, registration=registration, action_form=ActionForm(),
        answered=answer_display.answered_list(registration, str(get_locale())),
        has_questions=bool(answer_rules.asked_questions(event, registration.mode)),
        position=capacity.waitlist_position(registration),
        earlier_pending=desk_actions.earlier_pending(registration),
        places_left=(capacity.places_left(event.registration_policy, registration.mode)
                     if event.registration_policy is not None else None),
        **forms,
    )


def _confirm_page(event, registration, form, decision):
    """Ask once more before a cancellation or a decline, saying what will follow."""
    form.confirmed.data = "yes"
    return render_template("organiser/desk_confirm.html", event=event, registration=registration, form=form,
                           decision=decision, frees_place=registration.state == "confirmed")


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
    if form.confirmed.data != "yes":
        return _confirm_page(event, registration, form, "decline")
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
    if form.confirmed.data != "yes":
        return _confirm_page(event, registration, form, "cancel")
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
    form = DeskEditForm(data=data if request.method == "GET" else None, policy=policy,
                        email_required=bool(registration.email))
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


@bp.route("/events/<int:event_id>/registrations/<int:registration_id>/answers", methods=["GET", "POST"])
@event_access
def desk_answers(event, registration_id):
    """Correct a person's answers to the event's own questions."""
    registration = desk_service.registration_or_404(event, registration_id)
    questions = answer_rules.asked_questions(event, registration.mode)
    if not questions or registration.erased_at is not None:
        return redirect(url_for(".desk_registration", event_id=event.id, registration_id=registration.id))
    form_class = question_fields.with_questions(question_fields.AnswersForm, questions,
                                                held=answer_rules.held_choices(registration))
    form = form_class(data=answer_rules.stored_values(registration) if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            answer_rules.correct_answers(registration, question_fields.raw_answers(form, questions), current_user)
        except answer_rules.AnswersInvalid as exc:
            db.session.rollback()
            question_fields.show_errors(form, exc.errors)
        else:
            db.session.commit()
            flash(_("Answers of %(reference)s saved.", reference=registration.reference), "success")
            return redirect(url_for(".desk_registration", event_id=event.id, registration_id=registration.id))
    return render_template("organiser/desk_answers.html", event=event, registration=registration, form=form,
                           questions=questions, hints=question_fields.hints(questions, hybrid=False))
