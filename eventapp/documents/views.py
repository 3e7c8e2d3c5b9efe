"""Document downloads: public files by a stable address, participants-only files through a participant's own link."""
from flask import Blueprint, abort

from ..services.agenda import pages as agenda
from ..services.documents import documents
from ..services.registration import tokens
from .labels import DOCUMENT_ACCESS_LABELS, DOCUMENT_KIND_LABELS, DOCUMENT_LANGUAGE_LABELS
from .responses import serve as _serve

bp = Blueprint("documents", __name__)


@bp.app_context_processor
def document_words():
    """Labels and formatting for document lists, on every page that shows them."""
    return {
        "DOCUMENT_KIND_LABELS": DOCUMENT_KIND_LABELS, "DOCUMENT_ACCESS_LABELS": DOCUMENT_ACCESS_LABELS,
        "DOCUMENT_LANGUAGE_LABELS": DOCUMENT_LANGUAGE_LABELS,
        "document_type_label": lambda f: documents.file_type(f).label,
        "document_size": lambda f: documents.human_size(f.size),
    }


@bp.route("/events/<slug>/documents/<int:document_id>/<any(en, fr, es):language>")
def public_file(slug, document_id, language):
    """A public document's file in one language."""
    event = agenda.published_event_or_404(slug)
    return _serve(documents.file_for(event, document_id, language, public_only=True), public=True)


@bp.route("/registrations/<token>/documents/<int:document_id>/<any(en, fr, es):language>")
def participant_file(token, document_id, language):
    """A document's file for a confirmed participant, participants-only files included."""
    registration = tokens.registration_by_token(token)
    if not documents.may_see_participant_documents(registration):
        abort(404)
    return _serve(documents.file_for(registration.event, document_id, language, public_only=False), public=False)
