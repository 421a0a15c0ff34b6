"""kb.keep.kept: one bounded get-or-make for what a process keeps per key."""

from __future__ import annotations

from kb.keep import kept


def test_a_value_is_made_once_per_key_and_the_store_is_bounded():
    store, made = {}, []
    for key in ("a", "a", "b", "b"):
        assert kept(store, key, lambda key=key: made.append(key) or key.upper(), 2) == key.upper()
    assert made == ["a", "b"] and store == {"a": "A", "b": "B"}
    assert kept(store, "c", lambda: "C", 2) == "C"  # a full store is emptied first
    assert store == {"c": "C"}


def test_a_key_that_is_no_key_is_made_each_time_and_never_kept():
    store, made = {}, []
    for _ in range(2):  # a list among a URL's values: no key
        assert (
            kept(store, ("pages.x", (("ids", [1, 2]),)), lambda: made.append(1) or "url", 8)
            == "url"
        )
    assert made == [1, 1] and store == {}
