"""Search answers kept per process: a results page or API answer already rendered for
the same address, language, index and data is sent again as it was.

A search's answer depends on its address (the query and filters, exactly as typed: the
page repeats them), the reader's language, what this host's index holds (its
generation and the generation of its table of contents, which every commit changes:
`kb.search.version`; results, snippets and the countries' names in the facets all come
from the index, so neither answer reads the database), the day and the build of the
code, templates and translations (`kb.httpcache.build`). The key is made of all of them,
so an answer is never sent after any of them changed: nothing has to be invalidated,
an entry with an old key is just no longer asked for and leaves as the oldest.

Kept only for anonymous readers (signed-in readers' pages carry their name and tools),
for answers that are 200 and set no cookie; at most `KEPT_BYTES` per process, the least
recently used leaving first. The synonym table and the glossary are files of the
release: a new release restarts the processes, which empties this.

This is the second step, not the first: an answer rendered afresh costs ~5 times a kept
one on the seed (bench/http.py prints both: the same query again, and a new query each
time).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime

from flask import Response, current_app, make_response, request, session
from flask_login import current_user

from kb.httpcache import build
from kb.i18n import current_language
from kb.search import version as index_version

#: Bytes of answers kept per process (a results page is ~20 KB, an API answer ~14 KB).
KEPT_BYTES = 4 * 2**20
#: Bytes counted per answer besides its body (its key and the entry).
OVERHEAD = 200


class Kept:
    """One app's kept answers in this process: key → (body, mimetype), least recently
    used first."""

    def __init__(self, max_bytes: int = KEPT_BYTES):
        self.max_bytes = max_bytes
        self.bytes = 0
        self._answers: OrderedDict[tuple, tuple[bytes, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> tuple[bytes, str] | None:
        with self._lock:
            found = self._answers.get(key)
            if found is not None:
                self._answers.move_to_end(key)
            return found

    def put(self, key: tuple, body: bytes, mimetype: str) -> None:
        size = len(body) + OVERHEAD
        if size > self.max_bytes // 16:
            return  # a page of a hundred results would push out a dozen others
        with self._lock:
            old = self._answers.pop(key, None)
            if old is not None:
                self.bytes -= len(old[0]) + OVERHEAD
            while self._answers and self.bytes + size > self.max_bytes:
                _, (gone, _) = self._answers.popitem(last=False)
                self.bytes -= len(gone) + OVERHEAD
            self._answers[key] = (body, mimetype)
            self.bytes += size

    def __len__(self) -> int:
        return len(self._answers)


def kept() -> Kept:
    """This app's kept search answers."""
    return current_app.extensions.setdefault("kb-search-answers", Kept())


def kept_or_rendered(render: Callable[[], object]) -> Response:
    """The answer `render()` gives for this request, kept from an earlier identical one
    when there is one; `render()` must read nothing but the index. Raises
    `SearchUnavailable` (before rendering) when the index is not right, as a search
    would."""
    if current_user.is_authenticated or "_flashes" in session:
        return make_response(render())
    key = (
        request.script_root,  # the same page under another root links elsewhere
        request.full_path,
        current_language(),
        index_version(),
        datetime.now(UTC).date().isoformat(),
        build(),
    )
    answers = kept()
    found = answers.get(key)
    if found is not None:
        return Response(found[0], mimetype=found[1])
    response = make_response(render())
    if (
        response.status_code == 200
        and not response.direct_passthrough
        and "Set-Cookie" not in response.headers
        and not session.modified
    ):
        answers.put(key, response.get_data(), response.mimetype)
    return response
