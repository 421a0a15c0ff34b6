"""Other words for the same thing, applied at query time (the table: `synonyms.yaml`).

A run of query words that is a member of a set (after analysis: «фестивали» is the
member фестиваль, "launching ceremony" the member of two words) is looked for as typed
OR as any other member of the set, the best of them at `WEIGHT` of the literal
words, so records with the words the reader typed rank first. Sets come from
`synonyms.yaml` (everyday words) and from the network's glossary (`kb.terms`, the
glossary page's `translations/terms.yaml`: every term's forms, short forms and
readers' variants in three languages are one set), so a term is kept in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from whoosh import query as wq

from kb import terms
from kb.search.analysis import BIGRAM_SCRIPT, WORD
from kb.search.query import Part, word_query, word_variants

TABLE = Path(__file__).with_name("synonyms.yaml")
#: Weight of a synonym against the words the reader typed.
WEIGHT = 0.5


def _forms(word: str, ana) -> tuple[str, ...]:
    """What a word is compared as: its index terms, or a Hangul word and its stem."""
    if BIGRAM_SCRIPT.match(word):
        return tuple(word_variants(word))
    return tuple(ana.terms(word))


def _glossary() -> list[list[str]]:
    """The network's terms (kb.terms: the glossary page's data), each a set of its forms,
    short forms and the variants readers type for it (무형문화유산, 비단길) in the three
    languages."""
    return [[f for f in term.names() if f and f.strip()] for term in terms.load()]


def load_sets() -> list[list[str]]:
    """Every synonym set, as written."""
    data = yaml.safe_load(TABLE.read_text(encoding="utf-8")) or {}
    return [list(map(str, s)) for s in (data.get("synonyms") or []) + _glossary()]


@dataclass(frozen=True)
class Table:
    """Members by their analysed words: key → the other members (as written)."""

    members: dict[tuple[str, ...], tuple[str, ...]]
    longest: int
    #: The other members' query of each key asked so far (`others`). Whoosh queries
    #: are never changed once made (callers compose new ones around them), so one
    #: query serves every search: building a set's queries was a third of composing.
    queries: dict[tuple[str, ...], tuple[wq.Query, ...]] = field(default_factory=dict)

    def others(self, key: tuple[str, ...], ana) -> tuple[wq.Query, ...]:
        """The query for the other members of `key`'s set, or () if it is in none."""
        found = self.queries.get(key)
        if found is None:
            queries = (member_query(o, ana) for o in self.members.get(key, ()))
            alts = [q for q in queries if q is not None]
            # The best synonym counts, not their sum: a record that says the thing in
            # three languages is not lifted above the word typed.
            found = (wq.DisjunctionMax(alts),) if len(alts) > 1 else tuple(alts)
            self.queries[key] = found
        return found


def _key(text: str, ana) -> tuple[str, ...]:
    """A member's analysed words (stop words left out), each its first form."""
    out = []
    for word in WORD.findall(text):
        forms = _forms(word, ana)
        if forms:
            out.append(forms[0])
    return tuple(out)


@lru_cache(maxsize=8)
def table(ana) -> Table:
    """The synonym table for analyser `ana` (read once per process)."""
    members: dict[tuple[str, ...], dict[tuple[str, ...], str]] = {}
    for group in load_sets():
        keyed = [(m, _key(m, ana)) for m in group]
        for _, k in keyed:
            if not k:
                continue
            others = members.setdefault(k, {})
            for other, ok in keyed:  # one member per analysed form ("Silk Road(s)")
                if ok and ok != k:
                    others.setdefault(ok, other)
    longest = max((len(k) for k in members), default=0)
    return Table({k: tuple(v.values()) for k, v in members.items() if v}, longest)


def _boosted(q: wq.Query, factor: float) -> wq.Query:
    """`q` with every leaf's weight times `factor`."""
    if isinstance(q, wq.Term):
        return wq.Term(q.fieldname, q.text, boost=q.boost * factor)
    if isinstance(q, wq.Prefix):
        return wq.Prefix(q.fieldname, q.text, boost=q.boost * factor)
    if isinstance(q, wq.Phrase):
        return wq.Phrase(q.fieldname, q.words, boost=q.boost * factor)
    if isinstance(q, wq.And | wq.Or):
        return type(q)([_boosted(sub, factor) for sub in q.subqueries])
    return q


def member_query(text: str, ana, factor: float = WEIGHT) -> wq.Query | None:
    """The query for one member: its words ANDed, at `factor` of their weight."""
    queries = [q for q in (word_query(w, ana) for w in WORD.findall(text)) if q is not None]
    if not queries:
        return None
    return _boosted(queries[0] if len(queries) == 1 else wq.And(queries), factor)


def spans(parts: list[Part], ana) -> list[tuple[int, int, list[wq.Query]]]:
    """(first part, last part, other members' queries) for each run of words that is a
    member of a set, longest first from the left; stop words inside a run are skipped."""
    tab = table(ana)
    if not tab.longest:
        return []
    words = [
        (i, _forms(p.text, ana)) for i, p in enumerate(parts) if p.kind == "word"
    ]  # (part index, forms); stop words have none
    words = [(i, f) for i, f in words if f]
    found, j = [], 0
    while j < len(words):
        matched = False
        for length in range(min(tab.longest, len(words) - j), 0, -1):
            run = words[j : j + length]
            if any(b[0] - a[0] > 2 for a, b in zip(run, run[1:], strict=False)):
                continue  # not consecutive (one stop word between is allowed)
            for k in _keys([forms for _, forms in run]):
                if k in tab.members:
                    found.append((run[0][0], run[-1][0], list(tab.others(k, ana))))
                    matched = True
                    break
            if matched:
                j += length
                break
        if not matched:
            j += 1
    return found


def _keys(forms: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Every combination of the words' forms (a word has one or two)."""
    keys: list[tuple[str, ...]] = [()]
    for options in forms:
        keys = [(*k, o) for k in keys for o in options]
    return keys
