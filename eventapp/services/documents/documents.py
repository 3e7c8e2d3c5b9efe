"""Documents of events and sessions: upload, replace, list in the reader's language, serve."""
from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
import yaml
from flask import abort, current_app
from flask_babel import gettext as _

from ...extensions import db
from ...models.documents import new_storage_key
from ...models import Document, DocumentAccess, DocumentFile, DocumentKind, EventSession, RegistrationState, utcnow
from .. import audit
from ..desk.spreadsheet import neutralise
from ..errors import ValidationFailed
from . import filetypes
from .storage import storage

LANGUAGES = ("en", "fr", "es")
DEFAULT_MAX_BYTES = 25 * 1024 * 1024


def max_bytes():
    return int(current_app.config.get("DOCUMENT_MAX_BYTES") or DEFAULT_MAX_BYTES)


def read_upload(stream):
    """The bytes of an uploaded file, refused past the size limit without reading the rest."""
    limit = max_bytes()
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise ValidationFailed(
            _("The file is larger than %(size)s, the largest accepted.", size=human_size(limit)), field="file"
        )
    return data


def human_size(size):
    """1234567 -> "1.2 MB" (decimal units, as file managers show them)."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}".replace(".0 ", " ")
        size /= 1000
    return ""


def clean_filename(name, file_type):
    """The uploaded name without folders or control characters, with the extension of its real type."""
    name = unicodedata.normalize("NFC", os.path.basename((name or "").replace("\\", "/")))
    stem = os.path.splitext(name)[0]
    stem = re.sub(r'[\x00-\x1f\x7f"/\\:*?<>|;]+', "", stem).strip(" .") or "document"
    return f"{stem[:150]}.{file_type.extension}"


def _check(values, event):
    title = (values.get("title") or "").strip()
    if not title or len(title) > 300:
        raise ValidationFailed(_("Give the document a title of at most 300 characters."), field="title")
    if values.get("kind") not in DocumentKind.ALL:
        raise ValidationFailed(_("Choose the kind of document."), field="kind")
    if values.get("access") not in DocumentAccess.ALL:
        raise ValidationFailed(_("Choose who may open the document."), field="access")
    session_id = values.get("session_id") or None
    if session_id is not None:
        item = db.session.get(EventSession, int(session_id))
        if item is None or item.event_id != event.id:
            raise ValidationFailed(_("Choose one of the event's published sessions."), field="session_id")
        session_id = item.id
    return {"title": title, "kind": values["kind"], "access": values["access"], "session_id": session_id}


def _language(language):
    if language not in LANGUAGES:
        raise ValidationFailed(_("Choose the language of the file."), field="language")
    return language


def _store(file_row, data, filename):
    file_type = filetypes.detect(data)
    file_row.filename = clean_filename(filename, file_type)
    file_row.content_type = file_type.content_type
    file_row.size = len(data)
    file_row.sha256 = hashlib.sha256(data).hexdigest()
    storage().put(file_row.storage_key, data, file_type.content_type)


def add_document(event, values, language, filename, data, actor):
    """A new document with its first file; the file is checked before anything is written."""
    cleaned = _check(values, event)
    filetypes.detect(data)  # refuse a bad file before storing anything
    document = Document(event=event, **cleaned)
    file_row = DocumentFile(language=_language(language), storage_key=new_storage_key())
    document.files.append(file_row)
    db.session.add(document)
    _store(file_row, data, filename)
    db.session.flush()
    audit.record(actor, "document.create", event=event, target=document.title,
                 details={"language": language, "file": file_row.filename, "size": file_row.size, "access": document.access})
    return document


def update_document(document, values, actor):
    """Change a document's title, kind, session or who may open it."""
    cleaned = _check(values, document.event)
    changed = [key for key, value in cleaned.items() if getattr(document, key) != value]
    for key in changed:
        setattr(document, key, cleaned[key])
    if changed:
        db.session.flush()
        audit.record(actor, "document.update", event=document.event, target=document.title, details={"fields": changed})
    return changed


def put_file(document, language, filename, data, actor):
    """Add the file of a language, or replace it: a replaced file keeps its address and shows "updated on"."""
    language = _language(language)
    filetypes.detect(data)
    file_row = next((f for f in document.files if f.language == language), None)
    replaced = file_row is not None
    if replaced:
        old_key = file_row.storage_key
        file_row.storage_key = new_storage_key()  # a new object: the old one goes after the commit
        file_row.updated_at = utcnow()
        _store(file_row, data, filename)
        storage().delete(old_key)
    else:
        file_row = DocumentFile(language=language, storage_key=new_storage_key())
        document.files.append(file_row)
        _store(file_row, data, filename)
    db.session.flush()
    audit.record(actor, "document.replace" if replaced else "document.add_language", event=document.event,
                 target=document.title, details={"language": language, "file": file_row.filename, "size": file_row.size})
    return file_row


def delete_document(document, actor):
    """Remove a document and every language file of it."""
    for file_row in document.files:
        storage().delete(file_row.storage_key)
    audit.record(actor, "document.delete", event=document.event, target=document.title)
    db.session.delete(document)
    db.session.flush()


def _query(event):
    return (
        sa.select(Document)
        .where(Document.event_id == event.id)
        .options(so.selectinload(Document.files), so.joinedload(Document.session))
        .order_by(Document.session_id.is_not(None), Document.id)
    )


def event_documents(event):
    """Every document of the event, the event's own first, for the organisers' page."""
    return db.session.scalars(_query(event)).unique().all()


def document_or_404(event, document_id):
    document = db.session.get(Document, document_id)
    if document is None or document.event_id != event.id:
        abort(404)
    return document


@dataclass
class Listed:
    """A document as a page lists it: its files with the reader's language first."""

    document: Document
    files: list  #: DocumentFile, reader's language first, then en, fr, es

    @property
    def main(self):
        return self.files[0]

    @property
    def others(self):
        return self.files[1:]


def in_reader_order(documents, locale):
    """Documents with their files ordered for the reader; documents in the reader's language first."""
    order = [locale] + [code for code in LANGUAGES if code != locale]
    listed = [Listed(d, sorted(d.files, key=lambda f: order.index(f.language) if f.language in order else 9))
              for d in documents if d.files]
    return sorted(listed, key=lambda item: (item.main.language != locale,))


def public_documents(event, locale, session=None):
    """Public documents of the event (session None) or of one session, for its page."""
    query = _query(event).where(Document.access == DocumentAccess.PUBLIC)
    query = query.where(Document.session_id.is_(None) if session is None else Document.session_id == session.id)
    return in_reader_order(db.session.scalars(query).unique().all(), locale)


def may_see_participant_documents(registration):
    return registration is not None and registration.state == RegistrationState.CONFIRMED


def participant_documents(registration, locale):
    """Every document a confirmed participant may open (public and participants-only), event's first."""
    if not may_see_participant_documents(registration):
        return []
    return in_reader_order(event_documents(registration.event), locale)


def recent_public_files(event, limit=20):
    """Public files added or replaced, the newest first, for the "what changed" page."""
    rows = db.session.scalars(
        sa.select(DocumentFile).join(Document)
        .where(Document.event_id == event.id, Document.access == DocumentAccess.PUBLIC)
        .options(so.contains_eager(DocumentFile.document).joinedload(Document.session))
        .order_by(sa.func.coalesce(DocumentFile.updated_at, DocumentFile.created_at).desc(), DocumentFile.id.desc())
        .limit(limit)
    ).all()
    return rows


def public_files_since(event, revision):
    """Public files added or replaced since a revision was published (None: nothing, a first publication)."""
    if revision is None:
        return []
    changed_at = sa.func.coalesce(DocumentFile.updated_at, DocumentFile.created_at)
    return db.session.scalars(
        sa.select(DocumentFile).join(Document)
        .where(Document.event_id == event.id, Document.access == DocumentAccess.PUBLIC, changed_at > revision.published_at)
        .options(so.contains_eager(DocumentFile.document))
        .order_by(Document.id, DocumentFile.language)
    ).all()


def file_for(event, document_id, language, *, public_only):
    """The file of a document in a language, or a 404 (participants-only files when public_only)."""
    file_row = db.session.scalar(
        sa.select(DocumentFile).join(Document)
        .where(Document.id == document_id, Document.event_id == event.id, DocumentFile.language == language)
        .options(so.contains_eager(DocumentFile.document))
    )
    if file_row is None or (public_only and not file_row.document.is_public):
        abort(404)
    return file_row


def file_bytes(file_row):
    try:
        return storage().get(file_row.storage_key)
    except KeyError:
        abort(404)


def file_type(file_row):
    return filetypes.BY_CONTENT_TYPE.get(file_row.content_type, filetypes.TEXT)


EXPORT_COLUMNS = ("title", "kind", "access", "session_uid", "session", "language", "filename", "content_type",
                  "size", "sha256", "uploaded_at", "updated_at")


def to_csv(rows):
    """Export rows as CSV for spreadsheets (UTF-8 with BOM, formulas neutralised)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow([neutralise(row[c]) for c in EXPORT_COLUMNS])
    return "\ufeff" + out.getvalue()


def to_yaml(rows):
    return yaml.safe_dump({"documents": rows}, allow_unicode=True, sort_keys=False)


def export_rows(event):
    """Documents as metadata (no bytes) for the event's CSV and YAML exports, one row per file."""
    rows = []
    for document in event_documents(event):
        for f in document.files:
            rows.append({
                "title": document.title, "kind": document.kind, "access": document.access,
                "session_uid": document.session.uid if document.session else "",
                "session": document.session.title if document.session else "",
                "language": f.language, "filename": f.filename, "content_type": f.content_type.split(";")[0],
                "size": f.size, "sha256": f.sha256,
                "uploaded_at": f.created_at.isoformat(), "updated_at": f.updated_at.isoformat() if f.updated_at else "",
            })
    return rows
