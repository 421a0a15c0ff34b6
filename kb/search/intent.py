"""What a query asks for besides its words: a country, a type of record, a year.

"festivals of Uzbekistan", «фестивали Узбекистана», «우즈베키스탄의 축제», "2020
webinar": records of that country, type or year are lifted (their scores times
`LIFT` for each), and the search page offers each as a filter. Countries are the
index's own country records (every name in every language; a word that begins with a
country's name, or shares its first five letters, names it: "Uzbek", «узбекский»);
types are the words under `types` in `synonyms.yaml`; a year is four digits from
1900 to 2099. A record whose name (or a part of it, or an alternate name) is exactly
the query is lifted by `EXACT` (kb.search.romanise's "=" terms): names first.
"""

from __future__ import annotations

import re
import weakref
from functools import lru_cache

import yaml
from whoosh import query as wq

from kb.search.analysis import BIGRAM_SCRIPT, WORD, fold
from kb.search.query import Part, word_variants
from kb.search.romanise import exact_term
from kb.search.synonyms import TABLE

#: Score factor for records of a country, type or year the query names.
LIFT = 1.6
#: Score factor for records whose name is exactly the query.
EXACT = 2.0
#: Letters a word must share with the start of a country's name to name it.
PREFIX = 5
YEAR = re.compile(r"(19|20)\d\d")
_countries: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _countries_of(searcher) -> dict[str, set[str]]:
    """Each word of a country's names (folded) → the codes of countries named so."""
    found = _countries.get(searcher)
    if found is None:
        found = {}
        for stored in searcher.documents(type="countries"):
            code = stored["data"]["slug"].upper()
            for name in (stored["data"].get("name") or {}).values():
                for word in WORD.findall(name):
                    if len(word) >= 2:
                        found.setdefault(fold(word).replace("ё", "е"), set()).add(code)
        # A word most countries' names share ("Republic") names none of them.
        found = {w: codes for w, codes in found.items() if len(codes) <= 2}
        _countries[searcher] = found
    return found


def _names_country(word: str, country: str) -> bool:
    if word == country:
        return True
    if BIGRAM_SCRIPT.match(word):  # 우즈베키스탄의 → 우즈베키스탄
        return any(v == country for v in word_variants(word))
    if len(country) >= 4 and word.startswith(country):
        return True  # "Indian", "Mongolian"
    return len(word) >= PREFIX and word[:PREFIX] == country[:PREFIX]


@lru_cache(maxsize=8)
def _types(ana) -> dict[tuple[str, ...], str]:
    data = yaml.safe_load(TABLE.read_text(encoding="utf-8")) or {}
    out = {}
    for kind, words in (data.get("types") or {}).items():
        for text in words:
            key = tuple(t for w in WORD.findall(str(text)) for t in _form(w, ana)[:1])
            if key:
                out[key] = kind
    return out


def _form(word: str, ana) -> tuple[str, ...]:
    if BIGRAM_SCRIPT.match(word):
        return tuple(word_variants(word))
    return tuple(ana.terms(word))


def named(searcher, words: list[str], i: int, ana) -> tuple[str, str] | None:
    """The facet (name, value) that word `i` of `words` names, if any."""
    word = words[i]
    if YEAR.fullmatch(word):
        return "year", word
    folded = fold(word).replace("ё", "е")
    if len(folded) >= 2:
        codes = {
            code
            for name, named_ in _countries_of(searcher).items()
            if _names_country(folded, name)
            for code in named_
        }
        if len(codes) == 1:
            return "country", codes.pop()
    types = _types(ana)
    for length in (2, 1):
        for key in _combinations([_form(w, ana) for w in words[i : i + length]]):
            if len(key) == length and key in types:
                return "type", types[key]
    return None


def detect(searcher, parts: list[Part], ana) -> dict[str, str]:
    """The facets a query names: {"country": "UZ", "type": "festivals", "year": "2020"}
    (one value each: the first named)."""
    words = [p.text for p in parts if p.kind == "word"]
    out: dict[str, str] = {}
    for i in range(len(words)):
        found = named(searcher, words, i, ana)
        if found:
            out.setdefault(*found)
    return out


def satisfied(searcher, words: list[str], i: int, ana) -> wq.Query | None:
    """A word that names a facet is also matched by every record with that value (at
    no score of its own: the lift ranks them): "festivals of Uzbekistan" finds an Uzbek
    festival whose text says neither word in the query's language."""
    found = named(searcher, words, i, ana)
    return wq.Term(*found) if found else None


def _combinations(forms: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    keys: list[tuple[str, ...]] = [()]
    for options in forms:
        keys = [(*k, o) for k in keys for o in options]
    return keys


def exact_query(parts: list[Part]) -> wq.Query | None:
    """The names term of a record named exactly what the reader typed."""
    words = [w for p in parts if p.kind in ("word", "phrase") for w in WORD.findall(p.text)]
    term = exact_term(words) if words else ""
    return wq.Term("names", term) if term else None
