"""One bounded get-or-make for what a process keeps per key (addresses, paths)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")

_MISSING = object()


def kept(store: dict, key: Hashable, make: Callable[[], T], bound: int) -> T:
    """`store[key]`, made by `make()` the first time (None is a value like any other).
    A store that holds `bound` entries is emptied before the next is added; the value
    made is returned as made, never read back (another thread may have emptied it).
    A key holding a value that is no key (a list in a URL's values) is made each time."""
    try:
        found = store.get(key, _MISSING)
    except TypeError:
        return make()
    if found is not _MISSING:
        return found
    found = make()
    if len(store) >= bound:
        store.clear()
    store[key] = found
    return found
