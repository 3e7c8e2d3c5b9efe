"""Manage pages for an event's documents: upload, describe, add a language, replace, delete, export."""
from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..services.agenda import pages as agenda
from ..services.documents import documents
from ..services.errors import DomainError
from ..documents.responses import serve
from .access import event_access
from .forms import choices
from .forms_documents import DocumentDetailsForm, DocumentFileForm, DocumentForm
from .views import bp


def _with_sessions(form, event):
    form.session_id.choices = choices([(0, _("The whole event"))] + [
        (s.id, f"{s.starts_at.strftime('%Y-%m-%d')} · {s.title}") for s in agenda.event_sessions(event)
    ])
    return form


def _refused(form, exc):
    """Show a refusal beside its field (the file, the title...) or above the form."""
    target = getattr(form, exc.field, None) if exc.field else None
    if target is not None:
        target.errors = list(target.errors) + [str(exc)]
    else:
        form.form_errors.append(str(exc))


def _hint():
    return _("PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, GIF, WebP or plain text; at most %(size)s.",
             size=documents.human_size(documents.max_bytes()))


def _file_form():
    form = DocumentFileForm()
    form.file.description = _hint()
    return form


@bp.route("/events/<int:event_id>/documents/", methods=["GET", "POST"])
@event_access
def documents_page(event):
    """The event's documents, and the form to upload a new one."""
    form = _with_sessions(DocumentForm(), event)
    form.file.description = _hint()
    if form.validate_on_submit():
        try:
            data = documents.read_upload(form.file.data.stream)
            document = documents.add_document(event, form.data, form.language.data, form.file.data.filename, data, current_user)
        except DomainError as exc:
            db.session.rollback()
            _refused(form, exc)
        else:
            db.session.commit()
            flash(_("Document “%(title)s” uploaded.", title=document.title), "success")
            return redirect(url_for(".documents_page", event_id=event.id))
    return render_template("organiser/documents.html", event=event, form=form, hint=_hint(),
                           items=documents.event_documents(event))


@bp.route("/events/<int:event_id>/documents/<int:document_id>", methods=["GET", "POST"])
@event_access
def edit_document(event, document_id):
    """Change a document's details."""
    document = documents.document_or_404(event, document_id)
    form = _with_sessions(DocumentDetailsForm(obj=document, session_id=document.session_id or 0), event)
    if form.validate_on_submit():
        try:
            documents.update_document(document, form.data, current_user)
        except DomainError as exc:
            db.session.rollback()
            _refused(form, exc)
        else:
            db.session.commit()
            flash(_("Document “%(title)s” saved.", title=document.title), "success")
            return redirect(url_for(".edit_document", event_id=event.id, document_id=document.id))
    return render_template("organiser/document.html", event=event, document=document, form=form,
                           file_form=_file_form(), hint=_hint())


@bp.route("/events/<int:event_id>/documents/<int:document_id>/file", methods=["POST"])
@event_access
def put_document_file(event, document_id):
    """Add the file in another language, or replace one: the address stays the same."""
    document = documents.document_or_404(event, document_id)
    file_form = _file_form()
    if file_form.validate_on_submit():
        try:
            data = documents.read_upload(file_form.file.data.stream)
            file_row = documents.put_file(document, file_form.language.data, file_form.file.data.filename, data, current_user)
        except DomainError as exc:
            db.session.rollback()
            _refused(file_form, exc)
        else:
            db.session.commit()
            flash(_("File %(name)s saved for “%(title)s”.", name=file_row.filename, title=document.title), "success")
            return redirect(url_for(".edit_document", event_id=event.id, document_id=document.id))
    form = _with_sessions(DocumentDetailsForm(obj=document, session_id=document.session_id or 0, formdata=None), event)
    return render_template("organiser/document.html", event=event, document=document, form=form,
                           file_form=file_form, hint=_hint())


@bp.route("/events/<int:event_id>/documents/<int:document_id>/delete", methods=["GET", "POST"])
@event_access
def delete_document(event, document_id):
    """Ask, then remove a document and all its files."""
    document = documents.document_or_404(event, document_id)
    if request.method == "GET":
        return render_template("organiser/document_delete.html", event=event, document=document)
    title = document.title
    documents.delete_document(document, current_user)
    db.session.commit()
    flash(_("Document “%(title)s” deleted.", title=title), "success")
    return redirect(url_for(".documents_page", event_id=event.id))


@bp.route("/events/<int:event_id>/documents/export.<any(csv, yaml):fmt>")
@event_access
def export_documents(event, fmt):
    """The documents' metadata (never their bytes) as CSV or YAML."""
    rows = documents.export_rows(event)
    body = documents.to_csv(rows) if fmt == "csv" else documents.to_yaml(rows)
    mimetype = "text/csv; charset=utf-8" if fmt == "csv" else "application/yaml; charset=utf-8"
    return Response(body, content_type=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{event.slug}-documents.{fmt}"'})


@bp.route("/events/<int:event_id>/documents/<int:document_id>/<any(en, fr, es):language>")
@event_access
def document_file(event, document_id, language):
    """Open any file of the event's documents, participants-only ones included."""
    return serve(documents.file_for(event, document_id, language, public_only=False), public=False)
