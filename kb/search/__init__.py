"""Full-text search over every public record, in English, Russian and Korean at once.

The only package that imports Whoosh (the seam where another engine could take its
place): `analysis` (the script-aware analyser), `schema`, `documents` (what a record
puts in the index), `store` (generations on disk, the reused searcher), `writing`
(locked updates, rebuild and swap), `sync` (the database's events), `log` (the change
log in the database), `marker` and `integrity` (what an index mirrors), `queue`
(applying the log, reindex, status), `query` and `engine` (searching), `highlight`.
"""

from __future__ import annotations

from flask import Flask, has_request_context, request

from kb.search.engine import Hit, Results, run
from kb.search.queue import holder, process, reindex, status
from kb.search.schema import FACETS
from kb.search.store import SearchUnavailable
from kb.search.writing import IndexBusy


def search(text: str, filters: dict | None = None, **kwargs) -> Results:
    """Search the app's index; see `kb.search.engine.run` for the arguments.

    Raises SearchUnavailable when the index does not mirror the database (missing,
    foreign, stale: `kb.search.integrity`); callers say "search is being rebuilt".
    """
    from kb.search import integrity

    h = holder()
    integrity.require(h)
    return run(h, text, filters, scope=_request_scope(), **kwargs)


def version() -> str:
    """What this host's index holds now, as a string that changes with every commit or
    rebuild (see `Holder.version`). Raises SearchUnavailable as `search` does."""
    from kb.search import integrity

    h = holder()
    integrity.require(h)
    return h.version(_request_scope())


def _request_scope() -> dict | None:
    """Within a request, its environ: the index is looked at on disk once a request
    (a results page asks its version, for the kept answers' key, then searches)."""
    return request.environ if has_request_context() else None


def init_app(app: Flask) -> None:
    """Give the app its index holder; note every change to a searchable record."""
    from kb.search import adapter, sync
    from kb.search.store import Holder

    adapter.check_library()  # refuse at start a Whoosh whose internals we do not know

    app.config.setdefault("SEARCH_LOCK_TIMEOUT", 1.0)
    app.extensions["kb_search"] = Holder(app.config["INDEX_DIR"])
    sync.install()


__all__ = [
    "FACETS",
    "Hit",
    "IndexBusy",
    "Results",
    "SearchUnavailable",
    "init_app",
    "process",
    "reindex",
    "search",
    "status",
    "version",
]
