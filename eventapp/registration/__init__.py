"""Participant registration: the form, the participant's own page and the privacy notice."""
from .views import bp  # noqa: F401

from . import delegations, personal  # noqa: E402,F401  (add their routes to bp)
