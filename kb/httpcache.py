"""HTTP caching: validators on record pages and API records, lifetimes on the rest.

- A record page or API record answers with a weak `ETag` made of everything the answer
  depends on, all known before anything is loaded: its address, the data's version
  (kb.services.freshness: it changes with every change to any record a page may show,
  the record's own included), the language, the day (pages that say "upcoming" or
  "registration open" change with time), what the caller adds (an event page adds the
  reader's zone and its registration state) and the build of the code, templates and
  translations. A request whose `If-None-Match` holds it gets `304` without the record
  being loaded, one whose `If-Modified-Since` is not older than `Last-Modified` without
  the page being rendered. Without a validator, an answer already rendered in this
  process for the same ETag is sent again as it was, also without loading anything (at
  most `PAGES_KEPT` of them, about 6 MB). So a repeated anonymous request costs one
  reading of the data's version (and what its caller's parts need).
- Only anonymous answers carry validators, and they are `public, no-cache` (any cache may
  keep them, but asks each time). Signed-in readers see their name and their tools on
  every page, so their answers are `private, no-store`, as is every other answer to a
  signed-in reader that does not say otherwise.
- Lists and feeds: `public, max-age=60` for anonymous readers (`short_lived`).
- Static files asked for by their content hash: a year (kb/views/assets.py).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, time

from flask import Flask, Response, current_app, g, request, session
from flask_login import current_user

from kb.config import ROOT
from kb.extensions import limiter
from kb.i18n import current_language
from kb.services.freshness import freshness

#: How long a list or feed may be reused without asking (seconds).
SHORT = 60
_build: str | None = None
#: Rendered answers kept by ETag, per app and process (app.extensions["kb-pages"]): an
#: ETag names everything an anonymous answer depends on, so the answer kept under it is
#: the answer. About 30 KB each.
PAGES_KEPT = 200


def build() -> str:
    """A digest of the code, templates and translations this process serves from."""
    global _build
    if _build is None:
        digest = hashlib.sha256()
        for folder, pattern in (
            (ROOT / "kb", "**/*.py"),
            (ROOT / "templates", "**/*"),
            (ROOT / "translations", "*/LC_MESSAGES/messages.mo"),  # the catalogues served
        ):
            for path in sorted(folder.glob(pattern)):
                stat = path.stat()
                digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        _build = digest.hexdigest()[:12]
    return _build


def anonymous() -> bool:
    """Whether the reader is anonymous with no message pending: the readers whose answers
    are the same for all and may be validated and kept."""
    return not current_user.is_authenticated and "_flashes" not in session


def conditional(
    render: Callable[[], tuple[Response | str, datetime | None]],
    *parts,
    max_age: int = 0,
    dated: bool = True,
) -> Response:
    """`render()`'s answer with validators, or `304` if the client's copy is current.

    `parts` name what the answer depends on beyond its address, the data's version, the
    language, the day and the build (the reader's zone on an event page…): they must be
    known before anything is loaded, since the ETag is made of them and nothing else, so
    that a `304`, or an answer this process has already rendered, costs no reading of the
    record. `render()` loads what it shows and returns the body and the time of the
    record's last change (None for a page of many: the data's version covers them).
    `max_age` lets caches reuse it for that long without asking (lists: `SHORT`).
    `dated=False` leaves out `Last-Modified` (and so never answers `If-Modified-Since`):
    for an answer that changes with more than the data (the event page: places left and
    the sessions' states move with registrations and the clock), a date would call a
    changed page unmodified; only the ETag, which names all of it, is then a validator.
    Signed-in readers and pages with a pending message get the page, never a validator.
    """
    if not anonymous():
        return _response(render()[0])
    fresh = freshness()
    today = datetime.now(UTC).date()  # read once: the ETag and the day's start agree
    key = repr(
        (
            request.script_root,  # the same page under another root links elsewhere
            request.full_path,
            parts,
            fresh.version,
            current_language(),
            str(today),
            build(),
        )
    )
    etag = hashlib.sha256(key.encode()).hexdigest()[:24]
    cache_control = f"public, max-age={max_age}" if max_age else "public, no-cache"
    pages = current_app.extensions.setdefault("kb-pages", {})
    kept = pages.get(etag)
    # If-None-Match alone decides when present (RFC 9110, 13.2.2); `*` ("any current
    # answer") is never taken as current here: the record is not loaded before the ETag
    # is named, so whether one exists is not known yet, and rendering tells.
    validated = bool(request.if_none_match)
    modified = kept[2] if kept else None  # None when kept undated
    if validated:
        current = not request.if_none_match.star_tag and request.if_none_match.contains_weak(etag)
    elif kept is not None:
        since = request.if_modified_since
        current = bool(since and fresh.changed_at and modified and modified <= since)
    else:
        current = False
    if current:
        response = Response(status=304)
    elif kept is not None:
        response = Response(kept[0], mimetype=kept[1])
    else:
        body, updated_at = render()
        response = _response(body)
        if response.status_code != 200:
            return response  # a refusal (400) is neither validated nor kept
        # The time of the last change is known while the log still holds it; otherwise
        # If-Modified-Since cannot be answered safely, and only the ETag is honoured. The
        # day's start counts as a change: what "upcoming" covers moves with it (the ETag
        # holds the day too).
        midnight = datetime.combine(today, time(), UTC)
        stamps = [t for t in (updated_at, fresh.changed_at, midnight) if t is not None and dated]
        modified = max(stamps).replace(microsecond=0) if stamps else None
        _keep(pages, etag, response, modified)
        since = None if validated else request.if_modified_since
        if since and fresh.changed_at and modified and modified <= since:
            response = Response(status=304)
    response.set_etag(etag, weak=True)
    if modified is not None:
        response.last_modified = modified
    response.headers["Cache-Control"] = cache_control
    response.vary.add("Cookie")
    return response


def _keep(pages: dict, etag: str, response: Response, modified: datetime | None) -> None:
    """Keep the answer for `etag` if it is the same for every anonymous reader: a 200
    that sets no cookie (an ETag names everything such an answer depends on)."""
    if response.direct_passthrough or "Set-Cookie" in response.headers or session.modified:
        return
    if len(pages) >= PAGES_KEPT:
        with contextlib.suppress(StopIteration, RuntimeError):  # another thread's turn
            pages.pop(next(iter(pages)), None)  # the oldest first
    pages[etag] = (response.get_data(), response.mimetype, modified)


def short_lived(response: Response) -> Response:
    """Let caches reuse a list or feed for a minute (anonymous readers only)."""
    if anonymous() and response.status_code == 200:
        response.headers["Cache-Control"] = f"public, max-age={SHORT}"
        response.vary.add("Cookie")
    return response


def _response(value) -> Response:
    return value if isinstance(value, Response) else Response(value)


def _lifetimes(response: Response) -> Response:
    if "Cache-Control" in response.headers or request.endpoint == "static":
        return response  # the view decided
    if g.get("_login_user") is not None and current_user.is_authenticated:
        response.headers["Cache-Control"] = "private, no-store"
    return response


#: The views that answer through `conditional`: reads that no rate limit applies to.
READS = frozenset(
    {"pages.home", "pages.collection", "pages.record", "pages.event"}
    | {"api.collection", "api.record"}
)


#: Reads no limit applies to: `READS` and search (its page and API), for which working
#: out that none applies cost ~0.2 ms a request.
UNLIMITED = READS | {"pages.search", "api.search_records"}


@limiter.request_filter  # once, for the one limiter every app shares
def _unlimited() -> bool:
    """Whether the request is a read of `UNLIMITED`: Flask-Limiter need not work out
    which of its limits apply (none do; it cost a tenth of such a request). Writes,
    log-ins and every other view are checked as before."""
    return request.method in ("GET", "HEAD") and request.endpoint in UNLIMITED


def init_app(app: Flask) -> None:
    """Set the lifetimes on every answer that does not set its own."""
    app.after_request(_lifetimes)
