"""Static files' addresses carry a hash of their content (`/static/css/site.css?v=…`).

A file's address changes when the file does, so the proxy in front can let browsers
keep static files for a year (deploy/nginx-kb.conf) and a deploy is still seen at once.
The hash is computed once per file version (its size and modification time).
"""

from __future__ import annotations

import hashlib
import os
import threading

from flask import Flask, current_app

_cache: dict[str, tuple[tuple[int, int], str]] = {}
_lock = threading.Lock()


def version(filename: str) -> str | None:
    """The first 12 hex digits of the file's SHA-256, or None if there is no such file."""
    root = current_app.static_folder
    path = os.path.realpath(os.path.join(root, filename))
    if not path.startswith(os.path.realpath(root) + os.sep):
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


def init_app(app: Flask) -> None:
    app.url_defaults(_add_version)
