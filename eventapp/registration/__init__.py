"""Participant registration: the form, the participant's own page and the privacy notice."""
from .views import bp  # noqa: F401
