"""A document file as an HTTP response: type, download or inline, ETag and 304, caching, no sniffing."""
import io

from flask import Response, request, send_file

from ..services.documents import documents

YEAR = 365 * 24 * 3600


def serve(file_row, *, public):
    """The file with its type, ETag (the SHA-256 of its bytes) and caching; 304 when the copy is current.

    Public links carry `?v=` (the start of the ETag): with it, a file may be kept for a year,
    since a replaced file gets a new `v`; without it, caches must ask again (a cheap 304).
    """
    etag = file_row.sha256
    if not public:
        cache = "private, no-cache"
    elif request.args.get("v") == etag[:16]:
        cache = f"public, max-age={YEAR}, immutable"
    else:
        cache = "public, no-cache"
    if request.if_none_match.contains(etag):
        response = Response(status=304)
        response.set_etag(etag)
    else:
        file_type = documents.file_type(file_row)
        response = send_file(
            io.BytesIO(documents.file_bytes(file_row)), mimetype=file_row.content_type,
            as_attachment=not file_type.inline, download_name=file_row.filename,
            etag=etag, last_modified=file_row.updated_at or file_row.created_at, conditional=False, max_age=None,
        )
    response.headers["Cache-Control"] = cache
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    if not public:
        response.headers["Referrer-Policy"] = "no-referrer"
    return response
