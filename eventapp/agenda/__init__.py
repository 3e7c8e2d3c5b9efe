from .views import bp
from . import embed  # noqa: E402,F401  (routes on bp)

__all__ = ["bp"]
