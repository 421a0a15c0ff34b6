"""The reader's zone: from `?tz=` (a choice, kept in a cookie), then the `tz` cookie
(set by static/js/reader-zone.js from the browser), else UTC. Formatting is kb.timeview's.
"""

from __future__ import annotations

from flask import request

from kb.timeview import valid_zone

ZONE_COOKIE = "tz"


def reader_zone() -> tuple[str, bool]:
    """The reader's zone and whether it is known (chosen or from the browser)."""
    zone = valid_zone(request.args.get("tz")) or valid_zone(request.cookies.get(ZONE_COOKIE))
    return (zone, True) if zone else ("UTC", False)
