"""The /manage pages where admins and organisers run events."""
from .views import bp  # noqa: F401

# Each area adds its routes to bp when imported.
from . import (  # noqa: E402,F401
    agenda, award_ceremony, award_entries, awards, desk, documents, embed, events, participants, questions,
    sessions, settings, users,
)
from . import delegations, walk_ins  # noqa: E402,F401
from . import online  # noqa: E402,F401
