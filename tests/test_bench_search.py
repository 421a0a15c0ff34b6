"""bench/search.py finishes although a background merge holds the index's lock.

Its serving phase writes changes while Whoosh merges segments in the background; a merge
that holds the write lock longer than a writer waits (one second) made `apply` raise
IndexBusy and the whole benchmark stop, so the README's write latencies could not be
reproduced. The bench now waits as the worker does, and counts what it waited.
"""

from __future__ import annotations

import threading
import time

from bench.search import corpus, whoosh_build, write_when_free
from kb.search.engine import run
from kb.search.store import Holder


def _hold_the_lock(holder: Holder, seconds: float, held: threading.Event) -> None:
    """Hold Whoosh's write lock as a background merge does, for `seconds`."""
    with holder.lock:
        holder._fresh()
        ix = holder.ix
    writer = ix.writer()
    held.set()
    time.sleep(seconds)
    writer.cancel()


def test_a_write_during_a_long_merge_waits_counts_and_lands(tmp_path):
    docs, _ = corpus(30, seed=7)
    root = str(tmp_path / "index")
    whoosh_build(docs, root, procs=1)
    holder = Holder(root)
    held = threading.Event()
    merge = threading.Thread(target=_hold_the_lock, args=(holder, 1.6, held))
    merge.start()
    held.wait(5)
    change = {**docs[0], "key": "events:999", "name": {"en": "probezzq"}}
    busy = {"retries": 0, "waited_ms": 0.0, "changes": 0}
    try:
        write_when_free(holder, change, busy)
    finally:
        merge.join()
    assert busy["changes"] == 1 and busy["retries"] >= 1 and busy["waited_ms"] > 0
    assert run(holder, "probezzq", per_page=1).total == 1
