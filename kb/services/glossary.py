"""The glossary: the network's terms (`kb.terms`) and the records that use each one.

Why a data file and not a record type: the terms are the translators' reference, edited
with the catalogues and reviewed in the repository, where a test holds the catalogues and
the seed to them; nobody edits them through the site, so they need no moderation, no
history table and no migration. The file is the single source for the glossary page,
its API, the term checks and search's synonym sets.

The records that use a term are found by search, so inflected forms count (Russian
cases, Korean particles): a term with a `filter` (a domain, a list, a record type) links
the records that filter selects; any other term the records whose texts carry its form
in each working language. Search is queried once per term and the answer kept for a few
minutes per app (`USAGE_SECONDS`): the glossary is read far more often than it changes.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from flask import current_app

from kb.i18n import LANGUAGES
from kb.search import SearchUnavailable, search
from kb.services.common import NotFound
from kb.terms import Term, load

#: How long the records found for the terms are reused before search is asked again.
USAGE_SECONDS = 600.0
#: Records shown under each term (the rest are one link away).
SHOWN = 5


@dataclass(frozen=True)
class Usage:
    """Records that use a term: the first few, how many in all, how to ask for all."""

    records: tuple[tuple[str, str, dict], ...]  # (collection, slug, name per language)
    total: int
    query: str
    filter: dict


def query_of(term: Term) -> str:
    """The search that finds the records using `term`: its words in every language.

    All languages at once, so that a record must use the term in each of its texts: the
    other languages rule out a word's other senses ("Committee" of a festival).
    """
    return " ".join(f'"{term.search.get(lang) or term.forms[lang]}"' for lang in LANGUAGES)


def _find(term: Term) -> Usage:
    query = "" if term.filter else query_of(term)
    results = search(query, dict(term.filter), per_page=SHOWN + 1)
    records = tuple(
        (hit.type, hit.slug, hit.name) for hit in results.items if hit.type != "glossary"
    )[:SHOWN]
    return Usage(records, results.total, query, dict(term.filter))


def usage() -> dict[str, Usage]:
    """Each term's records, by term id (asked of search at most every USAGE_SECONDS)."""
    cache = current_app.extensions.setdefault("kb_glossary", {})
    now = time.monotonic()
    if cache.get("until", 0.0) <= now:
        try:
            cache["usage"] = {term.id: _find(term) for term in load()}
            cache["until"] = now + USAGE_SECONDS
        except SearchUnavailable:  # being rebuilt: name no records for now, ask again soon
            return {term.id: Usage((), 0, "", dict(term.filter)) for term in load()}
    return cache["usage"]


_WORD = re.compile(r"\w+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold().replace("ё", "е"))


def _head(word: str) -> str:
    """What a typed word begins with when it is `word` in some form: a Russian case, a
    Korean particle."""
    if _HANGUL.match(word):
        return word
    return word[: max(3, len(word) - 2)]


def matching(query: str) -> list[Term]:
    """The terms a query names as a whole, in any language and form («живого наследия»,
    "ICH", 무형문화유산을): what the search page shows from the glossary."""
    typed = _words(query)
    if not typed:
        return []
    found: list[Term] = []
    for term, heads in _names_of(typed):
        if (not found or found[-1] is not term) and all(map(str.startswith, typed, heads)):
            found.append(term)
    return found


#: The terms' names as the heads of their words (`_head`), by how many words and the
#: first letter (terms in the file's order): made once per loaded file, not for every
#: search, and only the few a query's words could be compared with it.
_names: tuple[tuple, dict[tuple[int, str], list[tuple[Term, tuple[str, ...]]]]] | None = None


def _names_of(typed: list[str]) -> list[tuple[Term, tuple[str, ...]]]:
    """The names that have as many words as `typed` and begin with its first letter."""
    global _names
    terms = load()
    if _names is None or _names[0] is not terms:
        by_start: dict[tuple[int, str], list[tuple[Term, tuple[str, ...]]]] = {}
        for term in terms:
            for name in term.names():
                heads = tuple(_head(word) for word in _words(name))
                if heads:
                    by_start.setdefault((len(heads), heads[0][0]), []).append((term, heads))
        _names = (terms, by_start)
    return _names[1].get((len(typed), typed[0][0]), [])


def terms() -> tuple[Term, ...]:
    """Every term, in the file's order."""
    return load()


def get_term(term_id: str) -> Term:
    """One term by id, or NotFound."""
    for term in load():
        if term.id == term_id:
            return term
    raise NotFound()
