"""Writing to the index: small updates under Whoosh's lock, and rebuilds beside it.

Updates delete a record's old document by its number in the holder's searcher (which
is at the writer's generation once the lock is ours) instead of `update_document`,
which opens a new searcher over the whole index for every commit. They commit without
merging, for latency, and let Whoosh merge once small segments pile up.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

from whoosh.index import LockError

from kb.search.schema import index_fields
from kb.search.store import REBUILDING, Holder

#: Commit with a merge of small segments once there are this many.
MAX_SEGMENTS = 12

Loader = Callable[[list[str]], dict[str, dict | None]]


class IndexBusy(Exception):
    """The index could not be written now (locked, or missing); the change waits."""


def _replay_path(holder: Holder):
    """The replay file of a rebuild in progress, or None."""
    try:
        name = (holder.dir.root / REBUILDING).read_text().strip()
    except FileNotFoundError:
        return None
    path = holder.dir.root / name
    return path / "replay" if name and path.is_dir() else None


def _update(writer, searcher, docs: dict[str, dict | None]) -> None:
    same_generation = searcher.reader().generation() == writer.generation - 1
    lookup = searcher if same_generation else writer.searcher()
    try:
        for key, doc in docs.items():
            for docnum in list(lookup.document_numbers(key=key)):
                writer.delete_document(docnum)
            if doc is not None:
                writer.add_document(**index_fields(doc))
    finally:
        if lookup is not searcher:
            lookup.close()


def apply(holder: Holder, keys: list[str], load: Loader, timeout: float = 1.0) -> None:
    """Write the current state of the records `keys` ("type:id") into the serving index.

    `load` is called with the lock held (so two writers cannot put an older state over a
    newer one) and returns each key's document, or None to delete it. Raises IndexBusy
    when the lock is not had within `timeout` seconds.
    """
    if not keys:
        return
    for _attempt in range(3):
        with holder.lock:
            holder._fresh()
            name, ix = holder.name, holder.ix
        try:
            writer = ix.writer(timeout=timeout, delay=0.02)
        except (LockError, OSError) as exc:
            raise IndexBusy(str(exc) or "the index is locked") from exc
        if holder.dir.current_name() != name:  # a rebuild swapped while we waited
            writer.cancel()
            continue
        try:
            with holder.searcher() as searcher:
                _update(writer, searcher, load(keys))
            replay = _replay_path(holder)
            if replay is not None:
                with open(replay, "a", encoding="utf-8") as f:
                    f.write("".join(f"{key}\n" for key in keys))
            writer.commit(merge=len(writer.segments) >= MAX_SEGMENTS)
        except BaseException:
            writer.cancel()
            raise
        return
    raise IndexBusy("the index kept changing generation")


def rebuild(
    holder: Holder,
    docs: Iterable[dict],
    *,
    finish: Callable[[Callable[[list[str], Loader], None], list[str]], None],
    procs: int = 1,
    limitmb: int = 256,
) -> str:
    """Build a new generation from `docs`, catch up, and swap it in; returns its name.

    While it runs, writers to the serving index also note their keys in the new
    generation's replay file. `finish(catch_up, replayed)` is called with the serving
    index locked: it must pass every key changed since the build began (the replayed
    ones, and what waits in the queue) to `catch_up(keys, load)`; then the swap happens.
    A crash before the swap leaves the old generation serving.
    """
    root = holder.dir
    with root.exclusive("reindex.lock", blocking=False):
        name, ix = root.new_generation()
        marker = root.root / f"{REBUILDING}.{os.getpid()}.tmp"
        marker.write_text(name)
        os.replace(marker, root.root / REBUILDING)
        kwargs = {"procs": procs, "multisegment": True} if procs > 1 else {}
        writer = ix.writer(limitmb=limitmb, **kwargs)
        try:
            for doc in docs:
                writer.add_document(**index_fields(doc))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        old_name = root.ensure()
        old = root.open(old_name)
        old_writer = old.writer(timeout=60.0, delay=0.05)  # holds writers off the old index
        try:
            replay = root.root / name / "replay"
            replayed = replay.read_text().split() if replay.exists() else []

            def catch_up(keys: list[str], load: Loader) -> None:
                keys = list(dict.fromkeys(keys))
                if keys:
                    with ix.searcher() as searcher, ix.writer() as w:
                        _update(w, searcher, load(keys))

            finish(catch_up, replayed)
            root.swap(name)
            (root.root / REBUILDING).unlink(missing_ok=True)
        finally:
            old_writer.cancel()
        root.prune(keep={name})
    holder.close()
    return name
