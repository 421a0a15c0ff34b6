"""Static files' addresses carry a hash of their content (`/static/css/site.css?v=…`).

A file's address changes when the file does, so the proxy in front can let browsers
keep static files for a year (deploy/nginx-kb.conf) and a deploy is still seen at once.
The hash is computed once per file version (its size and modification time). When the
app serves them itself (no proxy in front, `make run`), an address whose `v` is the
file's current hash is sent with a year's `immutable` lifetime too; any other, Flask's
default (`no-cache`, with validators).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import Flask, Response, current_app, request, url_for

from kb.keep import kept

_cache: dict[str, tuple[tuple[int, int], str]] = {}
_lock = threading.Lock()
#: (static folder, name asked for) → the file's real path, or None outside the folder.
_paths: dict[tuple[str, str], str | None] = {}
#: (name, version, application root, static path) → its address as `url_for` wrote it.
_urls: dict[tuple, str] = {}
#: Names and addresses kept (a page names a dozen files; anything else is a stranger).
KEPT = 1024
#: While a page is rendered to be kept (`naming`): the names of the files it asked for.
_named: ContextVar[list[str] | None] = ContextVar("kb_static_named", default=None)


@contextmanager
def naming() -> Iterator[list[str]]:
    """The names of the static files whose versions are asked for inside the block (a
    page kept whole must be made again when one of them changes: kb/views/shells.py)."""
    names: list[str] = []
    token = _named.set(names)
    try:
        yield names
    finally:
        _named.reset(token)


def _path(root: str, filename: str) -> str | None:
    """The real path of `filename` under `root`, resolved once per name (realpath reads
    every folder of the path: most of what an address cost)."""

    def inside() -> str | None:
        path = os.path.realpath(os.path.join(root, filename))
        return path if path.startswith(os.path.realpath(root) + os.sep) else None

    return kept(_paths, (root, filename), inside, KEPT)


def version(filename: str) -> str | None:
    """The first 12 hex digits of the file's SHA-256, or None if there is no such file."""
    named = _named.get()
    if named is not None:
        named.append(filename)
    path = _path(current_app.static_folder, filename)
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    key = (stat.st_size, stat.st_mtime_ns)
    cached = _cache.get(path)
    if cached and cached[0] == key:
        return cached[1]
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    with _lock:
        _cache[path] = (key, digest.hexdigest()[:12])
    return _cache[path][1]


def _add_version(endpoint: str, values: dict) -> None:
    if endpoint == "static" and "filename" in values and "v" not in values:
        v = version(values["filename"])
        if v:
            values["v"] = v


def static_url(filename: str) -> str:
    """`url_for("static", filename=filename)`, as it writes it, kept per file version:
    each request still reads the file's size and time (a changed file gets its new
    address at once), but builds no URL."""
    v = version(filename)
    key = (filename, v, request.script_root, current_app.static_url_path)
    versioned = {"v": v} if v else {}
    return kept(_urls, key, lambda: url_for("static", filename=filename, **versioned), KEPT)


#: A year, and never revalidated: the address changes with the content.
YEAR = "public, max-age=31536000, immutable"


def _lifetime(response: Response) -> Response:
    if request.endpoint == "static" and response.status_code in (200, 304):
        wanted = request.args.get("v")
        name = (request.view_args or {}).get("filename")
        if wanted and name and wanted == version(name):
            response.headers["Cache-Control"] = YEAR
    return response


def init_app(app: Flask) -> None:
    """Versioned addresses in url_for("static", …), and their lifetime."""
    app.url_defaults(_add_version)
    app.after_request(_lifetime)
    build_url = app.jinja_env.globals["url_for"]

    def template_url_for(endpoint: str, **values) -> str:
        # Templates name a dozen static files a page: their addresses, kept.
        if endpoint == "static" and values.keys() == {"filename"}:
            return static_url(values["filename"])
        return build_url(endpoint, **values)

    app.jinja_env.globals["url_for"] = template_url_for
    # For a kept part's key ({% cache %}) that names static files: their versions, so a
    # changed file is named anew at once, as `url_for` names it (a stat a file).
    app.jinja_env.globals["static_versions"] = lambda *names: tuple(map(version, names))
