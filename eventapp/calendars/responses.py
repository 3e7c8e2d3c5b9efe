"""HTTP responses for calendar data: validators, conditional GET (304) and cache headers."""
import hashlib

from flask import current_app, request

from ..cookies import make_cookie_free

#: How long shared caches and browsers may keep a public feed before asking again (seconds).
PUBLIC_MAX_AGE = 300


def calendar_etag(body: bytes) -> str:
    """A strong validator from the bytes themselves: same calendar, same ETag."""
    return hashlib.sha256(body).hexdigest()[:40]


def calendar_response(
    body: bytes,
    *,
    last_modified,
    filename=None,
    attachment=False,
    private=False,
    max_age=PUBLIC_MAX_AGE,
    revalidate=False,
):
    """A text/calendar response with ETag and Last-Modified, answering 304 when the client is current.

    `private`: for personal feeds (a registrant's), which shared caches must not keep and
    search engines must not index. `attachment`: ask browsers to save the file rather than
    open it. `last_modified`: the newest change among what the calendar shows (UTC).
    `revalidate`: public, but caches must ask every time (ETag makes that cheap), for a feed
    that changes at a moment no edit marks, such as an awards release time.
    """
    response = current_app.response_class(body, mimetype="text/calendar")
    response.set_etag(calendar_etag(body))
    response.last_modified = last_modified
    if private:
        response.cache_control.private = True
        response.cache_control.no_cache = True
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    else:
        make_cookie_free()
        response.cache_control.public = True
        if revalidate:
            response.cache_control.no_cache = True
        else:
            response.cache_control.max_age = max_age
    if filename:
        kind = "attachment" if attachment else "inline"
        response.headers["Content-Disposition"] = f'{kind}; filename="{filename}"'
    return response.make_conditional(request)
