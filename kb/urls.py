"""Absolute addresses of pages: always from KB_BASE_URL, never from a request.

Every link that leaves the site (e-mails, calendar files, feeds, the API's `url` fields)
is built here. A request's Host header (or X-Forwarded-Host) is chosen by whoever sends
the request: a password reset asked for with `Host: evil.example` must still mail a link
to the site. So nothing else in the app calls `url_for(..., _external=True)` or reads
`request.host_url` / `request.url_root` (tests/test_base_url.py checks the sources).
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import current_app, g, has_request_context, request, url_for

from kb.keep import kept


def _base_adapter(app):
    """The app's URL map bound to BASE_URL (bound once per setting, not per address)."""
    kept = app.extensions.setdefault("kb-base-url-adapter", {})
    setting = app.config["BASE_URL"]
    adapter = kept.get(setting)
    if adapter is None:
        base = urlsplit(setting)
        adapter = app.url_map.bind(
            base.netloc, script_name=base.path or "/", url_scheme=base.scheme
        )
        kept.clear()
        kept[setting] = adapter
    return adapter


def absolute_url(endpoint: str, _anchor: str | None = None, **values) -> str:
    """The full URL of `endpoint` under the site's address (the BASE_URL setting).

    In a request the blueprints' URL defaults apply (e.g. the page's language), as with
    `url_for`; outside one (the CLI, the worker) give every URL value explicitly.
    """
    app = current_app
    values = dict(values)
    if has_request_context():
        app.inject_url_defaults(endpoint, values)
    url = _base_adapter(app).build(endpoint, values, force_external=True)
    if _anchor:
        url += "#" + quote(_anchor, safe="%!#$&'()*+,/:;=?@")
    return url


#: Record addresses kept per process (`record_url`): a results page has twenty.
RECORDS_KEPT = 4096
_records: dict[tuple, str] = {}


def record_url(endpoint: str, collection: str, slug: str) -> str:
    """`url_for(endpoint, collection=…, slug=…)` (a record's page or API record), kept
    per process: the same address for the same record, language and application root,
    without building it again for every results page that lists the record."""
    lang = g.get("lang")
    if endpoint.startswith("pages.") and not lang:  # the language would come from headers
        return url_for(endpoint, collection=collection, slug=slug)
    key = (endpoint, collection, slug, lang, request.script_root)
    return kept(
        _records, key, lambda: url_for(endpoint, collection=collection, slug=slug), RECORDS_KEPT
    )
