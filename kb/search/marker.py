"""What an index knows about the database it mirrors: a small file in each generation.

`marker.json` in a generation directory holds the database's identity
(`search_log_state.database_id`), the highest change (`seq`) applied, and the gaps
below it (numbers not yet seen, with when they were first missed; see `kb.search.log`).
It is written after the index commits, by an atomic rename: a crash in between leaves
it behind the index, and the next round applies some changes again (harmless: a change
is applied by rewriting the record's current state). An index directory also has an
`index-id` file: its name in the `search_index` registry.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from kb.search.log import GAP_SECONDS

FILE = "marker.json"
INDEX_ID = "index-id"
#: At most this many gaps are remembered (the oldest are dropped first).
MAX_GAPS = 10000


@dataclass
class Marker:
    """The database an index mirrors and how far it has applied its change log."""

    database: str | None = None
    last: int = 0
    #: Missing sequence numbers below `last` → when they were first missed (epoch s).
    gaps: dict[int, float] = field(default_factory=dict)

    @property
    def applied(self) -> int:
        """Every change up to this number is in the index."""
        return min(self.gaps, default=self.last + 1) - 1

    def advance(self, seen: list[int], now: float | None = None) -> Marker:
        """The marker after applying changes `seen` (read past `last`, or gaps)."""
        now = time.time() if now is None else now
        seen_set = set(seen)
        gaps = {s: t for s, t in self.gaps.items() if s not in seen_set and now - t < GAP_SECONDS}
        top = max([self.last, *seen])
        for s in range(self.last + 1, top):
            if s not in seen_set:
                gaps[s] = now
                if len(gaps) > 2 * MAX_GAPS:  # a huge hole: stop listing it
                    break
        if len(gaps) > MAX_GAPS:
            gaps = dict(sorted(gaps.items())[-MAX_GAPS:])
        return Marker(self.database, top, gaps)

    def as_json(self) -> dict:
        return {
            "database": self.database,
            "last": self.last,
            "gaps": {str(s): t for s, t in sorted(self.gaps.items())},
        }


def read(generation_dir: str | os.PathLike) -> Marker | None:
    """The generation's marker, or None if it has none (or an unreadable one)."""
    try:
        data = json.loads((Path(generation_dir) / FILE).read_text(encoding="utf-8"))
        gaps = {int(s): float(t) for s, t in (data.get("gaps") or {}).items()}
        return Marker(str(data["database"]), int(data["last"]), gaps)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write(generation_dir: str | os.PathLike, marker: Marker) -> None:
    """Replace the generation's marker atomically."""
    path = Path(generation_dir) / FILE
    tmp = path.with_name(f"{FILE}.{os.getpid()}.{time.monotonic_ns()}.tmp")
    tmp.write_text(json.dumps(marker.as_json()), encoding="utf-8")
    os.replace(tmp, path)


def index_id(root: str | os.PathLike) -> str:
    """The index directory's id (made on first use)."""
    path = Path(root) / INDEX_ID
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{INDEX_ID}.{os.getpid()}.tmp")
    tmp.write_text(str(uuid.uuid4()), encoding="utf-8")
    try:
        os.link(tmp, path)  # only the first writer's id is kept
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text(encoding="utf-8").strip()
