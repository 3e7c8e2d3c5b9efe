"""Read-only JSON API of the published agendas (/api/v1)."""
from .views import bp  # noqa: F401
