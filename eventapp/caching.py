"""Public pages and feeds built once per version, language and query, then served from a cache.

A view decorated with `@cached_public()` is called only when the cache has no entry for
(endpoint, URL values, language, normalised query, versions of the event and of the site). The
versions come from one SQL statement (services/public_cache.py), bumped in the transaction of any
change, so the next request after a publish or an edit builds the page again on every server.
Entries also end at the next moment the page changes by itself (the view calls `changes_at`):
an awards release time, a registration opening or closing, the start or end of a session ("now"
and "next"). Stored compressed (gzip, and brotli when installed), served as the client accepts,
with ETag and Last-Modified; a matching conditional request gets a 304 without building anything.

Cached responses set no cookie and hold nothing personal: flashed messages are not shown while
a page is built for the cache, forms with CSRF tokens are left out of cached pages, and places
left come from /events/<slug>/places.json (see agenda/live.py).

The store is Redis when CACHE_REDIS_URL is set, else the memory of each process.
"""
from __future__ import annotations

import functools
import gzip
import hashlib
import json
from datetime import datetime, timezone
from email.utils import format_datetime

from flask import current_app, g, request, session
from flask_babel import get_locale

from .cache_stores import MemoryStore, RedisStore, TieredStore
from .cookies import make_cookie_free
from .services import public_cache

try:  # optional: brotli is smaller, gzip is always there
    import brotli
except ImportError:  # pragma: no cover - depends on the installation
    brotli = None
#: The encodings every entry is stored in.
AVAILABLE = ("br", "gzip", "identity") if brotli is not None else ("gzip", "identity")

#: Response headers never stored with an entry (set again when serving).
UNSTORED_HEADERS = {"set-cookie", "content-length", "etag", "last-modified", "content-encoding", "date"}
#: Request headers hidden from the view while it builds an entry (it must return the full body).
CONDITIONAL_ENVIRON = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_RANGE")
ENCODINGS = ("br", "gzip")


def init_app(app):
    """Choose the store, count versions on every flush, hide flashes from pages built for the cache."""
    app.config.setdefault("PUBLIC_CACHE_ENABLED", True)
    app.config.setdefault("PUBLIC_CACHE_TIMEOUT", 24 * 3600)
    app.config.setdefault("CACHE_KEY_PREFIX", "eventapp:page:")
    url = app.config.get("CACHE_REDIS_URL")
    if url:
        local = MemoryStore(app.config.get("PUBLIC_CACHE_LOCAL_MAX_BYTES", 16 * 1024 * 1024))
        app.extensions["public_cache"] = TieredStore(RedisStore(url, app.config["CACHE_KEY_PREFIX"]), local)
    else:
        app.extensions["public_cache"] = MemoryStore(app.config.get("PUBLIC_CACHE_MAX_BYTES", 64 * 1024 * 1024))
    public_cache.init_app(app)

    @app.context_processor
    def no_flashes_in_cached_pages():
        if g.get("public_build"):
            return {"get_flashed_messages": lambda *args, **kwargs: []}
        return {}


def store():
    return current_app.extensions["public_cache"]


def is_building():
    """True while a page is being built for the cache: leave out anything personal or live."""
    return bool(g.get("public_build"))


def changes_at(*moments):
    """Tell the cache the page being built changes by itself at the first of these future moments."""
    now = datetime.now(timezone.utc)
    future = [m for m in moments if m is not None and m > now]
    if future:
        current = g.get("public_valid_until")
        g.public_valid_until = min(future + ([current] if current else []))


def _query_key(names, ignored=frozenset()):
    """The query string as the page sees it: known parameters only, sorted, or None if others came."""
    if any(name not in names and name not in ignored for name in request.args):
        return None
    parts = []
    for name in sorted(names):
        values = sorted(v for v in request.args.getlist(name) if v)
        parts.extend(f"{name}={v}" for v in values)
    return "&".join(parts)


def _choose_encoding(meta):
    accepted = request.accept_encodings
    for encoding in ENCODINGS:
        if encoding in meta["encodings"] and accepted[encoding] > 0:
            return encoding
    return "identity"


def _etag_for(meta, encoding):
    return meta["etag"] if encoding == "identity" else f'{meta["etag"]}-{encoding}'


def _is_current(meta):
    """True when the client's validators match the entry (any encoding of the same bytes)."""
    tags = request.if_none_match
    if tags:
        return any(tags.contains(_etag_for(meta, e)) for e in ("identity",) + ENCODINGS) or tags.star_tag
    since = request.if_modified_since
    if since is not None and meta["last_modified"] is not None:
        return int(since.timestamp()) >= int(meta["last_modified"])
    return False


@functools.lru_cache(maxsize=1024)
def _http_date(timestamp):
    return format_datetime(datetime.fromtimestamp(timestamp, timezone.utc), usegmt=True)


#: Headers about the body, left out of a 304.
BODY_HEADERS = frozenset({"Content-Type", "Content-Disposition"})


def _response(meta, encoding, body):
    """The stored headers (Vary already holds Accept-Encoding) with this encoding's validators."""
    if body is None:
        headers = [(k, v) for k, v in meta["headers"] if k not in BODY_HEADERS]
    else:
        headers = list(meta["headers"])
        if encoding != "identity":
            headers.append(("Content-Encoding", encoding))
    headers.append(("ETag", f'"{_etag_for(meta, encoding)}"'))
    if meta["last_modified"] is not None:
        headers.append(("Last-Modified", _http_date(meta["last_modified"])))
    headers.append(("X-Cache", "hit"))
    response = current_app.response_class(body if body is not None else b"", status=200 if body is not None else 304,
                                          headers=headers)
    if body is None:
        response.headers.pop("Content-Type", None)  # the class's default type: a 304 has no body
    make_cookie_free()
    return response


def _build(view, kwargs, by_request_language):
    """Call the view with conditionals hidden; return (meta, bodies) or (None, response)."""
    saved = {name: request.environ.pop(name) for name in CONDITIONAL_ENVIRON if name in request.environ}
    for name in ("if_none_match", "if_modified_since", "range"):
        request.__dict__.pop(name, None)
    g.public_build = True
    try:
        response = current_app.make_response(view(**kwargs))
    finally:
        g.public_build = False
        request.environ.update(saved)
        for name in ("if_none_match", "if_modified_since", "range"):
            request.__dict__.pop(name, None)
    if response.status_code != 200 or response.direct_passthrough or "Set-Cookie" in response.headers:
        return None, response
    make_cookie_free()
    body = response.get_data()
    etag = response.get_etag()[0] or hashlib.sha256(body).hexdigest()[:40]
    # Feeds say when they last changed; pages are validated by their ETag alone, since a version
    # date would tell when an embargoed awards result was entered.
    modified = response.last_modified
    valid_until = g.pop("public_valid_until", None)
    if "Cache-Control" not in response.headers:
        response.cache_control.public = True
        response.cache_control.no_cache = True  # revalidate every time: cheap with the ETag
    if by_request_language:
        response.vary.update(("Accept-Language", "Cookie"))
    response.vary.add("Accept-Encoding")
    headers = [(k, v) for k, v in response.headers.items() if k.lower() not in UNSTORED_HEADERS]
    bodies = {"identity": body, "gzip": gzip.compress(body, 6, mtime=0)}
    if brotli is not None:
        bodies["br"] = brotli.compress(body, quality=5)
    meta = {
        "etag": etag,
        "last_modified": modified.timestamp() if modified else None,
        "valid_until": valid_until.timestamp() if valid_until else None,
        "headers": headers,
        "encodings": sorted(bodies),
    }
    return meta, bodies


def cached_public(args=(), *, language="request", per_event=True):
    """Serve the view from the cache; `args`: the query parameters that change the page.

    `language="request"`: HTML in the reader's language (from ?lang=, the session or the browser);
    `language="query"`: a feed whose language is ?lang= only (then listed in `args`).
    """
    names = frozenset(args)

    def decorate(view):
        @functools.wraps(view)
        def wrapper(**kwargs):
            if not current_app.config.get("PUBLIC_CACHE_ENABLED", True):
                return view(**kwargs)
            # HTML pages: ?lang= only chooses the language, which is part of the key anyway
            query = _query_key(names, frozenset({"lang"}) if language == "request" else frozenset())
            if query is None:
                return view(**kwargs)  # unknown parameters: built for this request only
            if language == "request":
                asked = request.args.get("lang")
                if asked in current_app.config["LANGUAGES"] and session.get("lang") != asked:
                    return view(**kwargs)  # a language switch: this response keeps the choice in a cookie
                locale = str(get_locale())
            else:
                locale = "-"
            version = public_cache.page_version(kwargs["slug"]) if per_event else public_cache.site_version()
            if version is None or not version.is_published:
                return view(**kwargs)  # the view answers 404
            raw_key = "|".join([
                request.endpoint, json.dumps(kwargs, sort_keys=True, default=str), locale, query, version.token,
            ])
            key = hashlib.sha256(raw_key.encode()).hexdigest()
            cache = store()
            now = datetime.now(timezone.utc).timestamp()
            conditional = bool(request.if_none_match or request.if_modified_since)
            encoding = _choose_encoding({"encodings": AVAILABLE})
            meta, body = cache.get(key, None if conditional else encoding)  # one round trip
            if meta is not None and (meta["valid_until"] is None or now < meta["valid_until"]):
                if conditional and _is_current(meta):
                    return _response(meta, encoding, None)
                if body is None:
                    body = cache.get_body(key, encoding)
                if body is not None:
                    return _response(meta, encoding, body)
            meta, bodies = _build(view, kwargs, language == "request")
            if meta is None:
                return bodies  # not a 200: not kept
            ttl = current_app.config["PUBLIC_CACHE_TIMEOUT"]
            if meta["valid_until"] is not None:
                ttl = min(ttl, meta["valid_until"] - now)
            cache.put(key, meta, bodies, ttl)
            encoding = _choose_encoding(meta)
            if conditional and _is_current(meta):
                return _response(meta, encoding, None)
            response = _response(meta, encoding, bodies[encoding])
            response.headers["X-Cache"] = "miss"
            return response

        return wrapper

    return decorate
