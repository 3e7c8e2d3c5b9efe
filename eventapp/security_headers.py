"""Security headers on every response, from one after-request hook.

The Content-Security-Policy allows scripts, styles, images and fonts from this site only: no
inline script, no `on*=` attributes, no `style=` attributes (templates put JavaScript in
eventapp/static/js and styling in classes). Pages may not be framed. HSTS is sent only when
`HSTS_SECONDS` is set (ProductionConfig), since it binds browsers to HTTPS for that long.
"""

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "media-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

#: The check-in screen uses the camera of this site; nothing uses any other powerful feature.
PERMISSIONS_POLICY = ", ".join([
    "camera=(self)", "microphone=()", "geolocation=()", "payment=()", "usb=()", "interest-cohort=()",
])


def policy_framed_by(sources):
    """The site's policy, framed only by `sources` (a CSP source list, e.g. "https://www.iom.int")."""
    return CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", f"frame-ancestors {sources}")


def add_security_headers(response):
    """Set the headers unless a view chose its own (registration pages send no-referrer)."""
    from flask import current_app

    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    if "frame-ancestors 'none'" in headers["Content-Security-Policy"]:
        # The agenda widget names the websites that may frame it; every other page refuses all.
        headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    seconds = current_app.config.get("HSTS_SECONDS")
    if seconds:
        headers.setdefault("Strict-Transport-Security", f"max-age={int(seconds)}; includeSubDomains")
    return response


def init_app(app):
    app.after_request(add_security_headers)
