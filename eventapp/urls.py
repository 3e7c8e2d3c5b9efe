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


_SENTINEL = 987654321


def id_url_template(endpoint, id_name, **values):
    """A format string for the URLs of one endpoint that differ only by an integer id.

    An agenda of 500 sessions links each one several times; formatting a string is far cheaper
    than building every URL through the routing map.
    """
    from flask import url_for

    return url_for(endpoint, **{id_name: _SENTINEL}, **values).replace(str(_SENTINEL), "{}")
