from . import live  # noqa: F401 - the live places routes, on the same blueprint
from .views import bp

__all__ = ["bp"]
