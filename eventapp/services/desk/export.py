"""The desk's filtered list as CSV or Excel, with the columns the organiser chose.

An export contains exactly the registrations of the filter (`desk.query`) and only the chosen
columns; every text cell goes through `spreadsheet.neutralise` so that nothing runs as a formula.
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...extensions import db
from ...i18n import (
    PARTICIPATION_MODE_LABELS, REGISTRATION_STATE_LABELS, STAKEHOLDER_GROUP_LABELS, country_choices,
)
from ...models import BookingState, Delegation, EventSession, Registration, SessionBooking
from . import search as desk
from ..agenda.local_times import to_local
from ..registration import answer_display
from ..registration import questions as question_rules
from .spreadsheet import neutralise, typed_cell

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Every column an export may have, in this order: key -> heading.
COLUMNS = {
    "reference": _l("Reference"),
    "first_name": _l("First name"),
    "last_name": _l("Last name"),
    "email": _l("E-mail address"),
    "organisation": _l("Organisation"),
    "job_title": _l("Job title"),
    "stakeholder_group": _l("Stakeholder group"),
    "country": _l("Country"),
    "mode": _l("Participation"),
    "state": _l("State"),
    "sessions": _l("Sessions"),
    "registered_at": _l("Registered"),
    "accessibility_needs": _l("Accessibility needs"),
    "dietary_requirements": _l("Dietary requirements"),
    "language": _l("Language"),
    "delegation": _l("Delegation"),
}
DEFAULT_COLUMNS = ("reference", "first_name", "last_name", "email", "organisation", "stakeholder_group",
                   "country", "mode", "state")


#: What an export reads of each registration.
FIELDS = (
    Registration.id, Registration.reference, Registration.first_name, Registration.last_name, Registration.email,
    Registration.organisation, Registration.job_title, Registration.stakeholder_group, Registration.country_code,
    Registration.mode, Registration.state, Registration.created_at, Registration.accessibility_needs,
    Registration.dietary_requirements, Registration.locale,
    sa.select(Delegation.name).where(Delegation.id == Registration.delegation_id).scalar_subquery()
    .label("delegation_name"),
)


def question_columns(event):
    """{"q<id>": (question, heading)} for each of the event's own questions; retired ones are marked."""
    language = str(get_locale() or "en")
    return {f"q{q.id}": (q, q.text(language) + (" " + _("(retired)") if q.is_retired else ""))
            for q in question_rules.event_questions(event)}


def chosen_columns(keys, questions=None):
    """The known columns among `keys`, in the export's order, the event's questions last (`questions`:
    question_columns(event)); none chosen means the default set and every question."""
    questions = questions or {}
    wanted = [key for key in (*COLUMNS, *questions) if key in set(keys or ())]
    return wanted or [*DEFAULT_COLUMNS, *questions]


def _session_titles(event, desk_filter):
    """registration id -> titles of its sessions (not cancelled), for the whole selection in one query."""
    selected = desk.query(event, desk_filter, columns=(Registration.id,)).order_by(None)
    rows = db.session.execute(
        sa.select(SessionBooking.registration_id, EventSession.title, SessionBooking.state)
        .join(EventSession, EventSession.id == SessionBooking.session_id)
        .where(SessionBooking.registration_id.in_(selected), SessionBooking.state != BookingState.CANCELLED)
        .order_by(EventSession.starts_at, EventSession.id)
    ).all()
    titles = defaultdict(list)
    for registration_id, title, state in rows:
        titles[registration_id].append(title if state == BookingState.CONFIRMED
                                       else f"{title} ({_('waiting list') if state == BookingState.WAITLISTED else _('requested')})")
    return titles


def rows(event, desk_filter, columns, *, language="en", typed=False):
    """The heading row, then one row per registration of the selection.

    Plain text values for CSV; with `typed`, the registration time stays a (naive, local) datetime
    for a spreadsheet's date cells.
    """
    questions = question_columns(event)
    columns = chosen_columns(columns, questions)
    titles = _session_titles(event, desk_filter) if "sessions" in columns else {}
    # Plain rows rather than ORM objects: an export of thousands reads quicker without identity bookkeeping.
    registrations = db.session.execute(desk.query(event, desk_filter, columns=FIELDS)).all()
    if desk.is_collated(desk_filter):
        registrations = desk.in_order(registrations, desk.collated_ids(event, desk_filter, language))
    asked = [key for key in columns if key in questions]
    selection = desk.query(event, desk_filter, columns=(Registration.id,)).order_by(None)
    answers = (answer_display.answer_texts(selection, [questions[key][0] for key in asked], str(get_locale() or "en"))
               if asked else {})
    # Labels translated once, not once per row.
    groups = {k: str(v) for k, v in STAKEHOLDER_GROUP_LABELS.items()}
    modes = {k: str(v) for k, v in PARTICIPATION_MODE_LABELS.items()}
    states = {k: str(v) for k, v in REGISTRATION_STATE_LABELS.items()}
    countries = dict(country_choices())
    zone = ZoneInfo(event.timezone)
    getters = {
        "reference": lambda r: r.reference,
        "first_name": lambda r: r.first_name,
        "last_name": lambda r: r.last_name,
        "email": lambda r: r.email,
        "organisation": lambda r: r.organisation,
        "job_title": lambda r: r.job_title,
        "stakeholder_group": lambda r: groups.get(r.stakeholder_group, r.stakeholder_group),
        "country": lambda r: countries.get(r.country_code, r.country_code),
        "mode": lambda r: modes.get(r.mode, r.mode),
        "state": lambda r: states.get(r.state, r.state),
        "sessions": lambda r: "; ".join(titles.get(r.id, [])),
        "registered_at": (lambda r: to_local(r.created_at, zone).replace(tzinfo=None, second=0, microsecond=0)) if typed
        else (lambda r: to_local(r.created_at, zone).strftime("%Y-%m-%d %H:%M")),
        "accessibility_needs": lambda r: r.accessibility_needs,
        "dietary_requirements": lambda r: r.dietary_requirements,
        "language": lambda r: r.locale,
        "delegation": lambda r: r.delegation_name or "",
    }
    for key in asked:
        getters[key] = (lambda qid: lambda r: answers.get(r.id, {}).get(qid, ""))(questions[key][0].id)
    yield [str(COLUMNS[key]) if key in COLUMNS else questions[key][1] for key in columns]
    for registration in registrations:
        yield [getters[key](registration) for key in columns]


def to_csv(event, desk_filter, columns, *, language="en"):
    """CSV: a formula-like cell gets a leading ' (the only guard plain text has)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows(event, desk_filter, columns, language=language):
        writer.writerow([neutralise(value) for value in row])
    return "\ufeff" + out.getvalue()  # the BOM makes spreadsheets read UTF-8


def to_xlsx(event, desk_filter, columns, *, language="en"):
    """Excel: dates as date cells, numbers as numbers, every text as a text cell (never a formula)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(_("Registrations"))[:31])
    for number, row in enumerate(rows(event, desk_filter, columns, language=language, typed=True)):
        sheet.append([typed_cell(sheet, value, heading=number == 0) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def filename(event, extension):
    return f"{event.slug}-registrations.{extension}"
