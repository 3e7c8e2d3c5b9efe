"""Manage pages for a whole agenda: import and export, preview and publish a revision, discard changes."""
from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..services.agenda import io as agenda_io
from ..services.agenda import labels as agenda_labels
from ..services.agenda import notices as agenda_notices
from ..services.agenda import revisions
from ..services.agenda import working_copy
from ..services.documents import documents
from ..services.errors import DomainError, ImportFailed
from .access import event_access, signed_in
from .forms import ImportForm, PublishForm
from .views import bp

MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "yaml": "application/yaml; charset=utf-8"}
MAX_IMPORT_BYTES = 2 * 1024 * 1024


def _download(text, fmt, filename):
    return Response(text, content_type=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{filename}.{fmt}"'})


@bp.route("/events/<int:event_id>/agenda/export.<any(csv, yaml):fmt>")
@event_access
def export_agenda(event, fmt):
    """Download the working copy of the agenda as CSV or YAML."""
    rows = agenda_io.rows(event)
    db.session.commit()
    text = agenda_io.to_csv(rows) if fmt == "csv" else agenda_io.to_yaml(rows, documents=documents.export_rows(event))
    return _download(text, fmt, f"{event.slug}-agenda")


@bp.route("/agenda-template.<any(csv, yaml):fmt>")
@signed_in
def agenda_template(fmt):
    """An empty agenda file to fill in, with two example rows."""
    return _download(agenda_io.template(fmt), fmt, "agenda-template")


@bp.route("/events/<int:event_id>/agenda/import", methods=["GET", "POST"])
@event_access
def import_agenda(event):
    """Add and update sessions from a CSV or YAML file: every row is checked before anything changes."""
    form = ImportForm()
    errors = []
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(MAX_IMPORT_BYTES + 1)
        try:
            if len(data) > MAX_IMPORT_BYTES:
                raise ImportFailed([(1, _("The file is larger than 2 MB."))])
            result = agenda_io.import_agenda(event, upload.filename or "", data, current_user)
        except ImportFailed as exc:
            db.session.rollback()
            errors = exc.errors
        else:
            db.session.commit()
            flash(_("Import done: %(added)d session(s) added, %(updated)d updated. Publish a revision to show them.",
                    added=result["added"], updated=result["updated"]), "success")
            if result["new_people"]:
                flash(_("New people: %(names)s. Add their affiliation and bio under People.",
                        names=", ".join(result["new_people"])), "info")
            return redirect(url_for(".sessions", event_id=event.id))
    return render_template("organiser/import.html", event=event, form=form, errors=errors)


@bp.route("/events/<int:event_id>/agenda/publish", methods=["GET", "POST"])
@event_access
def publish_agenda(event):
    """Preview what changes for the public, then publish the working copy as a labelled revision."""
    drafts = working_copy.draft_sessions(event)
    pending = revisions.pending_changes(event, drafts)
    warnings = [working_copy.clash_message(c, event.timezone) for c in working_copy.clashes(drafts)]
    warnings += revisions.ceremony_warnings(event, drafts)
    form = PublishForm()  # starts empty: last time's label and kind are a suggestion, never a default
    suggestion = agenda_labels.next_label(event)
    valid = form.validate_on_submit()
    # A final programme replacing the public draft is a step organisers take on purpose: ask once.
    ask_final = valid and (form.is_final.data == "final" and bool(event.agenda_label) and not event.agenda_is_final
                           and form.confirm_final.data != "yes")
    if ask_final:
        form.confirm_final.data = "yes"
    if valid and not ask_final:
        try:
            revision = revisions.publish_revision(event, form.label.data, form.is_final.data == "final", current_user,
                                                  expected=form.fingerprint.data or None)
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Revision %(number)d “%(label)s” published: %(count)d session(s) changed.",
                    number=revision.number, label=revision.label, count=len(revision.changes)), "success")
            return redirect(url_for(".event", event_id=event.id))
    form.fingerprint.data = revisions.fingerprint(pending)
    db.session.commit()
    return render_template("organiser/publish.html", event=event, form=form, suggestion=suggestion, ask_final=ask_final,
                           changes=revisions.readable(pending), warnings=warnings,
                           to_notify=agenda_notices.recipients_count(event, pending))


@bp.route("/events/<int:event_id>/agenda/discard", methods=["POST"])
@event_access
def discard_changes(event):
    """Throw away unpublished changes: the working copy becomes the published agenda again."""
    working_copy.discard_changes(event, current_user)
    db.session.commit()
    flash(_("Unpublished changes discarded."), "success")
    return redirect(url_for(".sessions", event_id=event.id))
