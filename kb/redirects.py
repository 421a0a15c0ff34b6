"""Where a `next` parameter may send a browser: only to a path on this site.

Browsers are lenient with a Location header: they drop tabs and line breaks anywhere in
it (`/\\t/evil.example` becomes `//evil.example`), read a backslash as a slash, and take
`//host` as another site. So a target is accepted only as a plain absolute path, checked
as typed and once percent-decoded; anything else falls back to a page of ours.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import request


def _plain_path(target: str) -> bool:
    if not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def is_local_path(target: str | None) -> bool:
    """Whether `target` is a path on this site (never another host, whatever its spelling).

    As typed it has no white space at all (a path of ours has it percent-encoded).
    """
    if not target or len(target) > 2000 or any(c.isspace() for c in target):
        return False
    return _plain_path(target) and _plain_path(unquote(target))


def safe_next(default: str) -> str:
    """The request's `next` address if it stays on this site, else `default`."""
    target = request.values.get("next")
    return target if is_local_path(target) else default
