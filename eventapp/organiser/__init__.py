"""The /manage pages where admins and organisers run events."""
from .views import bp  # noqa: F401
