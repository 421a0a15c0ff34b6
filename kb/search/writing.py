"""Writing to the index: small updates under Whoosh's lock, and rebuilds beside it.

Updates delete a record's old document by its number in the holder's searcher (which
is at the writer's generation once the lock is ours) instead of `update_document`,
which opens a new searcher over the whole index for every commit. They commit without
ever merging: merging even a few one-document segments costs Whoosh 50-150 ms, which
made one commit in five slow. Small segments are merged by `merge_small` instead, by the
same process that applies changes (`kb worker`, one after the other, so it never waits
for its own lock): when a round of changes leaves `MERGE_AT` segments or more, and on
the worker's merge schedule; `kb search sync` merges too.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

from whoosh.index import LockError

from kb.search.bulk import build
from kb.search.schema import index_fields
from kb.search.store import REBUILDING, Holder

#: When the worker's changes leave this many segments it merges the small ones at once.
MERGE_AT = 48
#: Segments with fewer documents than this are small: merged together by `merge_small`.
SMALL_DOCS = 2000

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


def apply(holder: Holder, keys: list[str], load: Loader, timeout: float = 1.0) -> str | None:
    """Write the current state of the records `keys` ("type:id") into the serving index;
    returns the name of the generation written (None when there was nothing to write).

    `load` is called with the lock held (so two writers cannot put an older state over a
    newer one) and returns each key's document, or None to delete it. Raises IndexBusy
    when the lock is not had within `timeout` seconds, SearchUnavailable when no index
    serves.
    """
    if not keys:
        return None
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
            writer.commit(merge=False)
            holder.changed()
        except BaseException:
            writer.cancel()
            raise
        return name
    raise IndexBusy("the index kept changing generation")


def _small_segments(writer, segments):
    """Whoosh merge policy: merge every small segment into the one being written."""
    from whoosh.reading import SegmentReader

    small = [seg for seg in segments if seg.doc_count_all() < SMALL_DOCS]
    if len(small) < 2:
        return segments
    for seg in small:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        writer.add_reader(reader)
        reader.close()
    return [seg for seg in segments if seg not in small]


def merge_small(holder: Holder, timeout: float = 1.0) -> int:
    """Merge the serving index's small segments into one; returns how many it merged.

    Takes the index's lock like any writer (IndexBusy if not had within `timeout`), so
    writers in the meantime wait for it or leave their change in the queue.
    """
    name = holder.dir.current_name()
    if name is None:
        return 0
    ix = holder.dir.open(name)
    try:
        writer = ix.writer(timeout=timeout, delay=0.02)
    except (LockError, OSError) as exc:
        raise IndexBusy(str(exc) or "the index is locked") from exc
    try:
        small = sum(1 for seg in writer.segments if seg.doc_count_all() < SMALL_DOCS)
        if holder.dir.current_name() != name or small < 2:
            writer.cancel()
            return 0
        writer.commit(mergetype=_small_segments)
        holder.changed()
    except BaseException:
        writer.cancel()
        raise
    return small


def segment_count(holder: Holder) -> int:
    """How many segments the serving generation has now."""
    with holder.searcher() as searcher:
        return len(searcher.leaf_searchers())


def rebuild(
    holder: Holder,
    docs: Iterable[dict],
    *,
    finish: Callable[..., None],
    procs: int = 1,
    limitmb: int = 1024,
) -> str:
    """Build a new generation from `docs`, catch up, and swap it in; returns its name.

        While it runs, writers to the serving index also note their keys in the new
        generation's replay file. `finish(catch_up, replayed)` is called with the serving
        index locked: it must pass every key changed since the build began (the replayed
        ones, and what the change log holds) to `catch_up(keys, load)` and may leave files
    in the new generation's directory (`kb.search.marker`), given as its third argument;
    then the swap happens.
        A crash before the swap leaves the old generation serving.
    """
    root = holder.dir
    with root.exclusive("reindex.lock", blocking=False):
        name, ix = root.new_generation()
        marker = root.root / f"{REBUILDING}.{os.getpid()}.tmp"
        marker.write_text(name)
        os.replace(marker, root.root / REBUILDING)
        build(ix, docs, procs=procs, limitmb=limitmb)
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

            finish(catch_up, replayed, root.root / name)
            root.swap(name)
            (root.root / REBUILDING).unlink(missing_ok=True)
        finally:
            old_writer.cancel()
        root.prune(keep={name})
    holder.close()
    return name
