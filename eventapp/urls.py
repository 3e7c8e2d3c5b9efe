"""Absolute URLs for links that leave the request: calendar feeds, e-mails, subscriptions."""
from urllib.parse import urlsplit

from flask import current_app


def url_builder():
    """A function (endpoint, **values) -> absolute URL on PUBLIC_BASE_URL, never the request Host.

    Works with or without a request (e-mails are sent from commands too). Building many URLs
    with one builder binds the URL map once.
    """
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"].rstrip("/"))
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )

    def build(endpoint, **values):
        values = {k: v for k, v in values.items() if v is not None and v != []}
        return adapter.build(endpoint, values, force_external=True)

    return build


def external_url(endpoint, **values):
    """Absolute URL of an endpoint on the public site; query values that are None are left out."""
    return url_builder()(endpoint, **values)


def webcal_url(url):
    """The webcal:// form of an http(s) feed URL, which Apple Calendar and Outlook subscribe to."""
    scheme, rest = url.split("://", 1)
    if scheme not in ("http", "https"):
        raise ValueError(f"not a web URL: {url}")
    return f"webcal://{rest}"
