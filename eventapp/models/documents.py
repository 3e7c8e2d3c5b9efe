"""Documents of an event or a session (one item, a file per language), stored bytes, session topics in drafts."""
from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .agenda import Event, EventSession, UTCDateTime, utcnow


def new_storage_key():
    return secrets.token_hex(16)


class DocumentKind:
    CONCEPT_NOTE = "concept_note"
    AGENDA = "agenda"
    BACKGROUND_PAPER = "background_paper"
    PRESENTATION = "presentation"
    REPORT = "report"
    OTHER = "other"
    ALL = (CONCEPT_NOTE, AGENDA, BACKGROUND_PAPER, PRESENTATION, REPORT, OTHER)


class DocumentAccess:
    PUBLIC = "public"
    PARTICIPANTS = "participants"  #: confirmed participants only, through their own link
    ALL = (PUBLIC, PARTICIPANTS)


class Document(db.Model):
    """One item (e.g. "Concept note") of an event, or of one of its sessions, in one or more languages."""

    __tablename__ = "documents"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: None: a document of the whole event
    session_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("event_sessions.id", ondelete="CASCADE"), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(300))
    kind: so.Mapped[str] = so.mapped_column(sa.String(20), default=DocumentKind.OTHER)
    access: so.Mapped[str] = so.mapped_column(sa.String(20), default=DocumentAccess.PUBLIC)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    event: so.Mapped[Event] = so.relationship()
    session: so.Mapped[EventSession | None] = so.relationship()
    files: so.Mapped[list[DocumentFile]] = so.relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="DocumentFile.language"
    )

    @property
    def is_public(self):
        return self.access == DocumentAccess.PUBLIC

    def __repr__(self):
        return f"<Document {self.id} {self.title!r}>"


class DocumentFile(db.Model):
    """The file of a document in one language; replacing it keeps the row, hence the URL."""

    __tablename__ = "document_files"
    __table_args__ = (sa.UniqueConstraint("document_id", "language"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    document_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    language: so.Mapped[str] = so.mapped_column(sa.String(2))  #: en, fr or es
    filename: so.Mapped[str] = so.mapped_column(sa.String(200))  #: cleaned name offered on download
    content_type: so.Mapped[str] = so.mapped_column(sa.String(120))  #: found from the bytes, not the name
    size: so.Mapped[int] = so.mapped_column()  #: bytes
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))  #: of the bytes; the ETag
    storage_key: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True, default=new_storage_key)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)  #: set when the file is replaced

    document: so.Mapped[Document] = so.relationship(back_populates="files")

    def __repr__(self):
        return f"<DocumentFile {self.document_id} {self.language} {self.filename!r}>"


class StoredBlob(db.Model):
    """File bytes when storage is the database (the default): every app server sees them."""

    __tablename__ = "stored_blobs"

    key: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    data: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self):
        return f"<StoredBlob {self.key}>"


#: Topics chosen for a session in the agenda's working copy; publishing copies them to session_tags.
draft_session_tags = sa.Table(
    "draft_session_tags",
    db.metadata,
    sa.Column("draft_session_id", sa.ForeignKey("draft_sessions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)
