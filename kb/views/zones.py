"""The reader's zone: from `?tz=` (a choice, kept in a cookie), then the `tz` cookie
(set by static/js/reader-zone.js from the browser), else UTC. Formatting is kb.timeview's.
"""

from __future__ import annotations

from flask import Response, make_response, request

from kb.security import secure_cookies
from kb.timeview import valid_zone

ZONE_COOKIE = "tz"


def reader_zone() -> tuple[str, bool]:
    """The reader's zone and whether it is known (chosen or from the browser)."""
    zone = valid_zone(request.args.get("tz")) or valid_zone(request.cookies.get(ZONE_COOKIE))
    return (zone, True) if zone else ("UTC", False)


def remember_zone(page) -> Response:
    """`page` as a response that keeps a zone chosen with `?tz=` in the `tz` cookie."""
    response = make_response(page)
    chosen = valid_zone(request.args.get("tz"))
    if chosen:
        # Read by static/js/reader-zone.js too, so not HttpOnly: a preference, no secret.
        response.set_cookie(
            ZONE_COOKIE, chosen, max_age=365 * 86400, samesite="Lax", secure=secure_cookies()
        )
    return response
