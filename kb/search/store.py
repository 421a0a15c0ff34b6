"""The index on disk, in generations, and each process's long-lived searcher.

`INDEX_DIR` holds generation directories (`gen-…`) and a symlink `current` naming the
one that serves. A rebuild fills a new generation and replaces the symlink with one
atomic rename, so a rebuild killed half-way leaves the old generation serving (Whoosh's
multi-file format is not crash-safe in place). Files are read without mmap: a searcher
then costs tens of MiB instead of the whole index.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from whoosh.filedb.filestore import FileStorage

from kb.search import adapter
from kb.search.evaluate import PostingsCache
from kb.search.schema import make_schema

CURRENT = "current"
#: Where a request's environ notes its look at the index (`Holder._fresh`).
_LOOKED = "kb.search.looked"
#: While a rebuild runs this file names its generation (see `kb.search.writing`).
REBUILDING = "rebuilding"
#: Bytes of decoded postings each process keeps between queries (see
#: `kb.search.evaluate.PostingsCache`): the seed's whole vocabulary, or the commonest
#: terms of a 50,000-record index. At 8 MiB the serving peak of bench/search.py went from
#: 145 to 170 MiB (issue 15 asks at most 150); kept answers cover repeated queries.
POSTINGS_KEPT = 2 * 2**20


class SearchUnavailable(Exception):
    """This host's index cannot answer truthfully now (`state`: missing, unmarked,
    foreign or stale; see `kb.search.integrity`): it is being rebuilt."""

    def __init__(self, state: str):
        super().__init__(f"the search index is {state}; it is being rebuilt")
        self.state = state


class IndexDir:
    """The generations under one index directory."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def current_name(self) -> str | None:
        """The generation that serves, or None before the first one exists."""
        try:
            return os.readlink(self.root / CURRENT)
        except (FileNotFoundError, OSError):
            return None

    def open(self, name: str):
        """Open generation `name` (FileIndex), reading files without mmap; refused when
        its format is not the one `kb.search.adapter` reads; fields added since it was
        built are added to it."""
        storage = FileStorage(str(self.root / name), supports_mmap=False)
        return adapter.open_index(storage, name, make_schema())

    def new_generation(self):
        """Create an empty generation beside the others; returns (name, index)."""
        self.root.mkdir(parents=True, exist_ok=True)
        name = f"gen-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
        path = self.root / name
        path.mkdir()
        storage = FileStorage(str(path), supports_mmap=False)
        return name, storage.create_index(make_schema())

    def swap(self, name: str) -> None:
        """Make generation `name` the one that serves, atomically."""
        tmp = self.root / f"{CURRENT}.{os.getpid()}.tmp"
        if tmp.is_symlink():
            tmp.unlink()
        os.symlink(name, tmp)
        os.replace(tmp, self.root / CURRENT)

    @contextmanager
    def exclusive(self, name: str, blocking: bool = True):
        """An inter-process lock on a file under the root (released if the process dies)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / name, "a") as f:
            fcntl.flock(f, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    def ensure(self) -> str:
        """The serving generation, creating an empty one if there is none (for writers
        that need a lock to hold, e.g. a rebuild; readers never create one)."""
        name = self.current_name()
        if name and (self.root / name).is_dir():
            return name
        with self.exclusive(".create.lock"):
            name = self.current_name()
            if not name or not (self.root / name).is_dir():
                name, _ = self.new_generation()
                self.swap(name)
        return name

    def prune(self, keep: set[str]) -> None:
        """Delete generations other than `keep`, the current one and the one before it."""
        current = self.current_name()
        gens = sorted(
            (p for p in self.root.glob("gen-*") if p.is_dir()),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        previous = next((p.name for p in gens if p.name != current and p.name not in keep), None)
        for path in gens:
            if path.name not in keep | {current, previous}:
                shutil.rmtree(path, ignore_errors=True)


class Holder:
    """One process's searcher over the serving generation: reused, refreshed when stale.

    Whoosh searchers are not safe to share between threads without mmap, so use is
    serialised by a lock; a process serves one request at a time per searcher anyway.
    """

    def __init__(self, root: str | os.PathLike):
        self.dir = IndexDir(root)
        self.lock = threading.RLock()
        self.name: str | None = None
        self.ix = None
        self._searcher = None
        #: Per-segment caches (facet postings), dropped when a segment goes away.
        self.segment_cache: dict[str, dict] = {}
        #: Terms' decoded postings, reused between queries (`POSTINGS_KEPT` bytes).
        self.postings = PostingsCache(POSTINGS_KEPT)
        #: The last judgement of `kb.search.integrity.require`, and when it was made.
        self.health = None
        self.health_at = 0.0
        #: Counts the times the searcher was replaced, opened or closed, or the index
        #: written through this holder: what a request's first look is checked against.
        self.epoch = 0

    def _fresh(self, scope: dict | None = None):
        """The up-to-date searcher. With `scope` (a request's environ), the index on
        disk is looked at once a request: a later call in the same request gets the
        searcher the first one found, unless this process replaced it or wrote the
        index since (so a results page's kept key, `version`, and its search see the
        same index, and the page pays for one look at the disk, not two)."""
        if (
            scope is not None
            and self._searcher is not None
            and scope.get(_LOOKED) == (id(self), self.epoch)
        ):
            return self._searcher
        searcher = self._look()
        if scope is not None:
            scope[_LOOKED] = (id(self), self.epoch)
        return searcher

    def changed(self) -> None:
        """Note that this process wrote the index: no request trusts its earlier look."""
        with self.lock:
            self.epoch += 1

    def _look(self):
        name = self.dir.current_name()
        if name is None or not (self.dir.root / name).is_dir():
            # Never recreate it empty here: an empty index would answer "nothing found".
            self.close()
            self.name = self.ix = None
            raise SearchUnavailable("missing")
        if name != self.name or self._searcher is None:
            self.close()
            self.ix = self.dir.open(name)
            self.name = name
            self._searcher = self.ix.searcher()
        elif not self._searcher.up_to_date():
            self._searcher = self._reopen(self._searcher)
            self.epoch += 1
        return self._searcher

    def _reopen(self, old):
        """A searcher at the latest generation reusing the old one's segment readers
        (and seeing their segments' new deletions): see `adapter.reopen`."""
        return adapter.reopen(self.ix, old)

    @contextmanager
    def searcher(self, scope: dict | None = None):
        """The up-to-date searcher, for the duration of the block (`scope`: see
        `_fresh`)."""
        with self.lock:
            yield self._fresh(scope)

    def version(self, scope: dict | None = None) -> str:
        """The serving generation and its table of contents' generation (every commit
        writes a new one), of the up-to-date searcher (`scope`: see `_fresh`)."""
        with self.lock:
            searcher = self._fresh(scope)
            return f"{self.name}/{searcher.ixreader.generation()}"

    def close(self) -> None:
        """Close the searcher (a later use reopens it): under the lock, so never while
        another thread searches with it, nor between its look and its use."""
        with self.lock:
            if self._searcher is not None:
                self._searcher.close()
            self._searcher = None
            self.epoch += 1
            self.segment_cache = {}
            self.postings = PostingsCache(POSTINGS_KEPT)

    def __del__(self):
        # Close files explicitly: an app (a test's, say) may be dropped with its holder.
        with contextlib.suppress(Exception):  # at interpreter shutdown
            self.close()
