"""Gzip for text answers when no proxy in front does it (KB_COMPRESS, kb/config.py).

deploy/nginx-kb.conf compresses with gzip (in C, off the app's CPU), so behind it the app
sends answers as they are; served directly (`make run`, or gunicorn with no proxy) the
app compresses them itself. Only what compresses well and is worth it: text, JSON, XML,
SVG and calendars of 1 KiB or more, for clients that accept gzip, never a streamed or
file answer (Flask's static files and pictures go as they are). Level 5, as nginx's.
"""

from __future__ import annotations

import gzip

from flask import Flask, Response, current_app, request

#: Kinds of content worth compressing (their mimetype, without parameters).
TEXT = {
    "application/atom+xml",
    "application/geo+json",
    "application/javascript",
    "application/json",
    "application/rss+xml",
    "application/xml",
    "image/svg+xml",
    "text/calendar",
    "text/css",
    "text/csv",
    "text/html",
    "text/plain",
    "text/xml",
}
#: Smaller answers gain too little to pay for the work.
MIN_BYTES = 1024
LEVEL = 5


def _compress(response: Response) -> Response:
    if not current_app.config.get("COMPRESS"):
        return response
    if (
        response.direct_passthrough
        or response.is_streamed
        or response.status_code != 200
        or response.mimetype not in TEXT
        or "Content-Encoding" in response.headers
        or "gzip" not in request.accept_encodings
    ):
        return response
    body = response.get_data()
    if len(body) < MIN_BYTES:
        return response
    response.set_data(gzip.compress(body, compresslevel=LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response


def init_app(app: Flask) -> None:
    """Compress answers after every other hook has had its say."""
    app.after_request(_compress)
