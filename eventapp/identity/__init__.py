from .views import bp, organisation  # noqa: F401
