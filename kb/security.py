"""Security headers on every response, and the cookies' flags.

Plain `after_request` rather than a library: the whole policy is a dozen lines that read
the site's own settings (KB_BASE_URL's scheme, the map's tile server), and the one
maintained candidate (flask-talisman) would add HTTPS redirects and a second place that
sets the session cookie's flags, both already decided here and by the proxy.

- Content-Security-Policy: scripts, styles, fonts and fetches from the site itself only,
  with no 'unsafe-inline' — templates hold no inline script, `style=""` or `<style>`
  (tests/test_security_headers.py reads them); images also from the map's tile server.
  `frame-ancestors 'none'` (and X-Frame-Options for old browsers): no page can be framed
  to trick a click on "approve" or "register".
- X-Content-Type-Options: nosniff — an uploaded file is never run as a script or page.
- Referrer-Policy: strict-origin-when-cross-origin — other sites learn at most the
  site's origin, never a path (reset and cancellation links carry tokens in theirs);
  tile servers that ask for a Referer still get the origin.
- Strict-Transport-Security on responses served over https (behind a proxy: once
  KB_TRUSTED_PROXIES lets X-Forwarded-Proto say so).
- Cookies (kb/config.py): HttpOnly and SameSite=Lax; Secure when KB_BASE_URL is https.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request

#: One year: the usual HSTS lifetime. No includeSubDomains: other hosts of the domain
#: are not ours to pin.
HSTS = "max-age=31536000"


def _origin(url: str | None) -> str | None:
    """The scheme://host[:port] of a URL template such as a tile server's, or None."""
    if not url:
        return None
    parts = urlsplit(url.replace("{s}", "a"))  # Leaflet's subdomain placeholder
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.netloc.split("@")[-1]
    if "{s}" in url:
        host = "*." + host.split(".", 1)[1] if "." in host else host
    return f"{parts.scheme}://{host}"


def content_security_policy(config) -> str:
    """The policy for this site's settings (the tile server, if any, may serve images)."""
    images = ["'self'", "data:"]
    tiles = _origin(config.get("MAP_TILES_URL"))
    if tiles:
        images.append(tiles)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": images,
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def secure_cookies() -> bool:
    """Whether cookies carry the Secure flag: the site is served over https."""
    return current_app.config["SESSION_COOKIE_SECURE"]


def _headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", current_app.extensions["kb-csp"])
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    """Add the headers to every response (the cookies' flags are set in kb/config.py)."""
    app.extensions["kb-csp"] = content_security_policy(app.config)
    app.after_request(_headers)
