"""Absolute addresses of pages, in a request (its host) or outside one (KB_BASE_URL)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


def absolute_url(endpoint: str, **values) -> str:
    """The full URL of `endpoint`, for e-mails and calendar files.

    Outside a request (the CLI) the site's address comes from the `BASE_URL` setting.
    Give every URL value (e.g. `lang`) explicitly: no request supplies defaults there.
    """
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http"
    )
    return adapter.build(endpoint, values, force_external=True)
