"""Words for document kinds, access and languages, in the reader's language."""
from flask_babel import lazy_gettext as _l

from ..models import DocumentAccess, DocumentKind

DOCUMENT_KIND_LABELS = {
    DocumentKind.CONCEPT_NOTE: _l("Concept note"),
    DocumentKind.AGENDA: _l("Agenda"),
    DocumentKind.BACKGROUND_PAPER: _l("Background paper"),
    DocumentKind.PRESENTATION: _l("Presentation"),
    DocumentKind.REPORT: _l("Report"),
    DocumentKind.OTHER: _l("Other document"),
}

DOCUMENT_ACCESS_LABELS = {
    DocumentAccess.PUBLIC: _l("Public: anyone can open it"),
    DocumentAccess.PARTICIPANTS: _l("Confirmed participants only, from their own registration page"),
}

#: Each language named in itself, as language pickers do.
DOCUMENT_LANGUAGE_LABELS = {"en": "English", "fr": "Français", "es": "Español"}
