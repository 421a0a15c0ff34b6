"""The reader's zone, and the page to choose it.

A reader's zone comes from `?tz=` (a choice, kept in a cookie), then the `tz` cookie (a
choice made earlier, or the browser's zone set by static/js/reader-zone.js), else the
page's own zone (an event's), said so on the page; UTC only where a page has no zone of
its own. Old zone names read as the current ones. Formatting is kb.timeview's.

The full list of zones (about 420, grouped by country, in the reader's language) is a
page of its own, `/<lang>/time-zone`, not part of every event page: an event page offers
a short choice and links here. It works without a script: a grouped select and a button;
the choice is kept in the cookie and the reader sent back to the page they came from.
"""

from __future__ import annotations

from flask import Response, make_response, redirect, render_template, request

from kb.redirects import is_local_path
from kb.security import secure_cookies
from kb.timeview import valid_zone, zone_groups
from kb.views import bp

ZONE_COOKIE = "tz"


def reader_zone(fallback: str | None = None) -> tuple[str, bool]:
    """The reader's zone and whether it is known (chosen or from the browser); when it
    is not, `fallback` (the page's own zone), else UTC."""
    zone = valid_zone(request.args.get("tz")) or valid_zone(request.cookies.get(ZONE_COOKIE))
    if zone:
        return zone, True
    return valid_zone(fallback) or "UTC", False


def keep_zone(response: Response, zone: str) -> Response:
    """Keep `zone` in the reader's cookie (a preference, no secret: the script reads it)."""
    response.set_cookie(
        ZONE_COOKIE, zone, max_age=365 * 86400, samesite="Lax", secure=secure_cookies()
    )
    return response


def remember_zone(page) -> Response:
    """`page` as a response that keeps a zone chosen with `?tz=` in the `tz` cookie."""
    response = make_response(page)
    chosen = valid_zone(request.args.get("tz"))
    if chosen:
        keep_zone(response, chosen)
    return response


@bp.get("/time-zone")
def time_zone():
    """Every current zone to choose from; with `?tz=`, keep it and go back (`next`)."""
    back = request.args.get("next")
    back = back if is_local_path(back) else None
    chosen = valid_zone(request.args.get("tz"))
    if chosen and back:
        return keep_zone(redirect(back, 303), chosen)
    zone, known = reader_zone()
    response = make_response(
        render_template(
            "zones.html",
            groups=zone_groups(),
            reader=chosen or zone,
            known=known or chosen,
            back=back,
        )
    )
    return keep_zone(response, chosen) if chosen else response
