from . import live  # noqa: F401 - the live places routes, on the same blueprint
from .views import bp
from . import embed  # noqa: E402,F401  (routes on bp)

__all__ = ["bp"]
