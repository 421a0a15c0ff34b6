"""From what a reader typed to a Whoosh query: words, "phrases", prefix*, never syntax.

Input is plain text whatever it holds: control characters become spaces, a lone quote
is dropped, `field:value` is two words, and it is cut to a sane length. Each word is
analysed like the index (so «юрты» looks for юрта, 실크로드의 for its bigrams); the
words are ANDed, and `relax` ORs them when AND found nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from whoosh import query as wq

from kb.search.analysis import BIGRAM_SCRIPT, WORD, ScriptTokenizer, fold

MAX_CHARS = 300
MAX_PARTS = 24
#: Korean particles stripped from the end of a query word, longest first.
_PARTICLES = "의 을 를 이 가 은 는 에 에서 에게 으로 로 와 과 도 만"
_PARTICLES += " 까지 부터 처럼 보다 이나 하고 이랑 랑"
PARTICLES = sorted(
    _PARTICLES.split(" "),
    key=len,
    reverse=True,
)
_QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "＂": '"'})
_PART = re.compile(r'"([^"]*)"|(\S+)')
DEFAULT = ScriptTokenizer()


@dataclass(frozen=True)
class Part:
    """One thing the reader typed: a `word`, a `phrase` or a `prefix`."""

    kind: str
    text: str

    def __str__(self) -> str:
        return {"phrase": f'"{self.text}"', "prefix": f"{self.text}*"}.get(self.kind, self.text)


def clean(raw: str) -> str:
    """The input without control characters, with typographic quotes as plain ones."""
    text = str(raw)[: MAX_CHARS * 2]
    if not text.isprintable():  # printable text has no control character (category C*)
        text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    text = text.translate(_QUOTES)[:MAX_CHARS]
    if text.count('"') % 2:
        last = text.rfind('"')
        text = text[:last] + " " + text[last + 1 :]
    return " ".join(text.split())


def parse(raw: str) -> list[Part]:
    """The parts of a query, in order."""
    parts: list[Part] = []
    for match in _PART.finditer(clean(raw)):
        if match.group(1) is not None:
            phrase = " ".join(w.group() for w in WORD.finditer(match.group(1)))
            if phrase:
                parts.append(Part("phrase" if " " in phrase else "word", phrase))
            continue
        token = match.group(2)
        words = [w.group() for w in WORD.finditer(token)]
        if token.endswith("*") and len(words) == 1 and len(words[0]) >= 2:
            parts.append(Part("prefix", words[0]))
        else:
            parts += [Part("word", w) for w in words]
    return parts[:MAX_PARTS]


def cover_grams(word: str) -> list[str]:
    """A Hangul/Han word as non-overlapping bigrams: 소리축제 → 소리, 축제 (a lone
    syllable stays itself)."""
    if len(word) == 1:
        return [word]
    grams = [word[i : i + 2] for i in range(0, len(word) - 1, 2)]
    if len(word) % 2:
        grams.append(word[-2:])
    return list(dict.fromkeys(grams))


def word_variants(word: str) -> list[str]:
    """A Hangul/Han word, and the word without its trailing particle when it has one."""
    return list(_variants(word))


@lru_cache(maxsize=4096)
def _variants(word: str) -> tuple[str, ...]:
    # Kept: a query asks it of each Hangul word a dozen times (its count, synonyms,
    # facets, queries), each a test of two dozen particles.
    for particle in PARTICLES:
        if word.endswith(particle) and len(word) - len(particle) >= 2:
            return (word, word[: -len(particle)])
    return (word,)


def _bigram_cover(word: str, ana: ScriptTokenizer) -> wq.Query:
    """A Hangul/Han word as non-overlapping bigrams: 소리축제 → 소리 + 축제."""
    if ana.korean != "bigram":
        return wq.Term("text", word)
    if len(word) == 1:
        return wq.Prefix("text", word)
    grams = cover_grams(word)
    return (
        wq.And([wq.Term("text", g) for g in grams])
        if len(grams) > 1
        else (wq.Term("text", grams[0]))
    )


def word_query(word: str, ana: ScriptTokenizer = DEFAULT) -> wq.Query | None:
    """The query for one word: its index term(s), or bigrams for Korean and Chinese."""
    if BIGRAM_SCRIPT.match(word):
        queries = [_bigram_cover(v, ana) for v in word_variants(word)]
        # The better of the word and its stem (a text that has 우즈베키스탄의 has both).
        return queries[0] if len(queries) == 1 else wq.DisjunctionMax(queries)
    terms = ana.terms(word)
    if not terms:
        return None
    if len(terms) == 1:
        return wq.Term("text", terms[0])
    return wq.Or([wq.Term("text", t) for t in terms])


def part_query(
    part: Part, ana: ScriptTokenizer = DEFAULT, extra=None, words=(), i: int = 0
) -> wq.Query | None:
    """The query for one part; `extra(part, words, i)` gives a word's other queries
    (ORed), where it is word `i` of the query's `words`."""
    if part.kind == "word":
        q = word_query(part.text, ana)
        more = extra(part, words, i) if extra is not None and q is not None else []
        return wq.Or([q, *more]) if more else q
    if part.kind == "prefix":
        stems = dict.fromkeys([fold(part.text).replace("ё", "е"), *ana.terms(part.text)])
        prefixes = [wq.Prefix("text", s) for s in stems if len(s) >= 2]
        return (prefixes[0] if len(prefixes) == 1 else wq.Or(prefixes)) if prefixes else None
    by_pos: dict[int, str] = {}
    for token in ana(part.text, positions=True, mode="query"):
        by_pos.setdefault(token.pos, token.text)  # the lemma, where a stem follows it
    words = [by_pos[p] for p in sorted(by_pos)]
    if not words:
        return None
    return wq.Term("text", words[0]) if len(words) == 1 else wq.Phrase("text", words)


def build(
    parts: list[Part],
    ana: ScriptTokenizer = DEFAULT,
    relax: bool = False,
    extra=None,
    spans: list[tuple[int, int, list[wq.Query]]] = (),
) -> wq.Query | None:
    """All parts ANDed (or ORed when `relax`), or None when nothing is searchable;
    `extra`: see `part_query`; `spans`: (first, last part, other queries) for runs of
    parts that may be matched by other words instead (synonyms), ORed with the run."""
    return combine(part_queries(parts, ana, extra, spans), relax)


def part_queries(
    parts: list[Part],
    ana: ScriptTokenizer = DEFAULT,
    extra=None,
    spans: list[tuple[int, int, list[wq.Query]]] = (),
) -> list[wq.Query]:
    """The queries `build` joins: one for each part or run of parts (see `build`)."""
    by_start = {start: (end, others) for start, end, others in spans}
    words = [p.text for p in parts if p.kind == "word"]
    index = {j: n for n, j in enumerate(j for j, p in enumerate(parts) if p.kind == "word")}
    queries, i = [], 0
    while i < len(parts):
        end, others = by_start.get(i, (i, ()))
        run = [
            q
            for q in (
                part_query(parts[j], ana, extra, words, index.get(j, 0)) for j in range(i, end + 1)
            )
            if q
        ]
        if run or others:
            literal = [(run[0] if len(run) == 1 else wq.And(run))] if run else []
            queries.append(wq.Or([*literal, *others]) if others else literal[0])
        i = end + 1
    return queries


def combine(queries: list[wq.Query], relax: bool = False) -> wq.Query | None:
    """`queries` ANDed (ORed when `relax`), or None for none."""
    if not queries:
        return None
    if len(queries) == 1:
        return queries[0]
    return wq.Or(list(queries)) if relax else wq.And(list(queries))


def highlight_terms(q: wq.Query) -> tuple[frozenset[str], tuple[str, ...]]:
    """The index terms and prefixes a query looks for, to mark them in snippets."""
    terms, prefixes = set(), []
    for sub in _leaves(q):
        if sub.field() != "text":
            continue  # names' keys and jamo are never words of a text
        if isinstance(sub, wq.Prefix):
            prefixes.append(sub.text)
        elif isinstance(sub, wq.Phrase):
            terms.update(sub.words)
        elif isinstance(sub, wq.Term):
            terms.add(sub.text)
    return frozenset(terms), tuple(prefixes)


def _leaves(q: wq.Query) -> list[wq.Query]:
    """`q.leaves()` in the same order (or [q], a leaf), walked with a list rather than
    Whoosh's generator in a generator per level."""
    out, stack = [], [q]
    while stack:
        sub = stack.pop()
        if sub.is_leaf():
            out.append(sub)
        else:
            stack.extend(reversed(list(sub.children())))
    return out


def filter_query(filters: dict) -> wq.Query | None:
    """Filters (`type`, `country`, `domain`, `list`, `year`, `lang`) as one query."""
    terms = [
        wq.Term(name, str(value)) for name, value in filters.items() if value not in (None, "")
    ]
    if not terms:
        return None
    return terms[0] if len(terms) == 1 else wq.And(terms)
