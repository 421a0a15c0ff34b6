"""What a query asks for besides its words: a country, a type of record, a year.

"festivals of Uzbekistan", «фестивали Узбекистана», «우즈베키스탄의 축제», "2020
webinar": records of that country, type or year are lifted (their scores times
`LIFT` for each), and the search page offers each as a filter. Countries are the
index's own country records (every name in every language; a word that begins with a
country's name, or shares its first five letters, names it: "Uzbek", «узбекский»), and
the everyday names and adjectives under `countries` in `synonyms.yaml` (Korea, 한국,
«японский»), which win over the records' names where those are ambiguous ("Korea" is
in two countries' names); types are the words under `types` in `synonyms.yaml` and the
other members of their synonym sets ("celebrations" names festivals as "festival"
does); a year is four digits from 1900 to 2099. A record whose name (or a part of it,
or an alternate name) is exactly the query is lifted by `EXACT` (kb.search.romanise's
"=" terms): names first.
"""

from __future__ import annotations

import re
import weakref
from functools import lru_cache

import yaml
from whoosh import query as wq

from kb.keep import kept
from kb.search.analysis import BIGRAM_SCRIPT, WORD, fold
from kb.search.query import Part, word_variants
from kb.search.romanise import exact_term
from kb.search.synonyms import TABLE, load_sets

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


def _table() -> dict:
    return yaml.safe_load(TABLE.read_text(encoding="utf-8")) or {}


def _key(text: str, ana) -> tuple[str, ...]:
    return tuple(t for w in WORD.findall(str(text)) for t in _form(w, ana)[:1])


@lru_cache(maxsize=8)
def _types(ana) -> dict[tuple[str, ...], str]:
    """Analysed words → the type they name: the `types` words, then the other members
    of the synonym sets they are in (a member naming two types names neither)."""
    data = _table()
    out: dict[tuple[str, ...], str] = {}
    for kind, words in (data.get("types") or {}).items():
        for text in words:
            key = _key(text, ana)
            if key:
                out[key] = kind
    more: dict[tuple[str, ...], set[str]] = {}
    for group in load_sets():  # the table's sets and the glossary's terms
        keys = [_key(m, ana) for m in group]
        kinds = {out[k] for k in keys if k in out}
        for k in keys:
            if k and k not in out:
                more.setdefault(k, set()).update(kinds)
    out.update({k: kinds.pop() for k, kinds in more.items() if len(kinds) == 1})
    return out


@lru_cache(maxsize=1)
def _country_words() -> dict[str, str]:
    """The `countries` table's words (folded) → the country code each names."""
    out = {}
    for code, words in (_table().get("countries") or {}).items():
        for text in words:
            for word in WORD.findall(str(text)):
                if len(word) >= 2:
                    out[fold(word).replace("ё", "е")] = str(code).upper()
    return out


@lru_cache(maxsize=1)
def _no_country() -> tuple[str, ...]:
    """The table's words that look like a country's name and name none (folded)."""
    return tuple(fold(str(w)).replace("ё", "е") for w in _table().get("none") or [])


_named_countries: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _country(searcher, folded: str) -> str | None:
    """The one country a (folded) word names (remembered per searcher)."""
    cache = _named_countries.get(searcher)
    if cache is None:
        cache = _named_countries[searcher] = {}
    if folded not in cache:
        if len(cache) > 5000:
            cache.clear()
        cache[folded] = _find_country(searcher, folded)
    return cache[folded]


def _find_country(searcher, folded: str) -> str | None:
    """The table's words first, then the country records' names."""
    if any(folded.startswith(w) for w in _no_country()):
        return None
    for table in (_country_words(), _countries_of(searcher)):
        codes = set()
        for name, named_ in table.items():
            if _names_country(folded, name):
                codes.update([named_] if isinstance(named_, str) else named_)
        if len(codes) == 1:
            return codes.pop()
        if codes:
            return None  # ambiguous
    return None


def _form(word: str, ana) -> tuple[str, ...]:
    if BIGRAM_SCRIPT.match(word):
        return tuple(word_variants(word))
    return tuple(ana.terms(word))


_named: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def named(searcher, words: list[str], i: int, ana) -> tuple[str, str] | None:
    """The facet (name, value) that word `i` of `words` names, if any; remembered per
    searcher (a query asks it of each word up to five times: its corrections, the
    common words, the facets it names, each query composed)."""
    cache = _named.get(searcher)
    if cache is None:
        cache = _named[searcher] = {}
    key = (words[i], words[i + 1] if i + 1 < len(words) else None, ana)
    return kept(cache, key, lambda: _named_by(searcher, words, i, ana), 5000)


def _named_by(searcher, words: list[str], i: int, ana) -> tuple[str, str] | None:
    word = words[i]
    if YEAR.fullmatch(word):
        return "year", word
    folded = fold(word).replace("ё", "е")
    if len(folded) >= 2:
        code = _country(searcher, folded)
        if code:
            return "country", code
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
