"""Snippets: a window of text around the words a query matched, with <mark> around them.

Whoosh's own highlighter repeats characters when tokens overlap (Korean bigrams do),
so spans are found with the same analyser, merged, and cut here.
"""

from __future__ import annotations

import re
import threading
from array import array
from bisect import bisect_right
from collections import OrderedDict
from functools import lru_cache

from markupsafe import Markup, escape

from kb.search.analysis import BIGRAM_SCRIPT, WORD, ScriptTokenizer, fold

_tokenizer = ScriptTokenizer()
#: Latin letters with accents and modifier letters: folded as the analyser folds them.
_ACCENTED = re.compile(r"[\u00c0-\u024f\u02b0-\u02ff\u1e00-\u1eff]+")
WIDTH = 240


class Prepared:
    """What snippets need of one text whatever the query: the text as `_may_match`
    compares it (`low`), where each word starts and ends, and the terms of the words a
    query has asked about so far (`ScriptTokenizer.units`: analysing a word is what
    costs, ~30-200 µs for a Russian one the analyser has not kept)."""

    __slots__ = ("text", "low", "_ana", "_bounds", "_units")

    def __init__(self, text: str, ana: ScriptTokenizer):
        self.text, self.low, self._ana = text, _folded(text), ana
        self._bounds: tuple[array, array] | None = None
        self._units: dict[int, tuple] = {}

    def bounds(self) -> tuple[array, array]:
        """Where each word starts and ends."""
        if self._bounds is None:
            starts, ends = array("i"), array("i")
            for match in WORD.finditer(self.text):
                starts.append(match.start())
                ends.append(match.end())
            self._bounds = (starts, ends)
        return self._bounds

    def units(self, n: int) -> tuple:
        """The terms of word `n` at each position; () for a stop word."""
        found = self._units.get(n)
        if found is None:
            starts, ends = self.bounds()
            found = self._units[n] = self._ana.units(self.text[starts[n] : ends[n]])
        return found

    def candidates(self, heads: frozenset[str]) -> list[int] | None:
        """The words that may hold a term beginning with one of `heads` (a term's first
        three letters): those that begin with one, and Hangul and Han words that hold one
        anywhere (their terms are bigrams). None if positions in `low` are not those of
        the text (a letter folded into two), when every word is to be read.

        A word's terms begin as the word does, bar a few irregular Russian forms (людей:
        человек), so only those words are analysed; an irregular form whose lemma begins
        otherwise than every term of the query is left unmarked, as `_may_match` leaves
        a text with only such words unmarked."""
        low = self.low
        if len(low) != len(self.text):
            return None
        starts, ends = self.bounds()
        found = set()
        for head in heads:
            at = low.find(head)
            while at >= 0:
                n = bisect_right(starts, at) - 1
                if n >= 0 and at < ends[n] and (at == starts[n] or BIGRAM_SCRIPT.match(low, at)):
                    found.add(n)
                at = low.find(head, at + 1)
        return sorted(found)


#: Characters of texts whose `Prepared` form each process keeps: ~10 bytes held a
#: character with the text itself (measured: the seed's 121,000 characters of distinct
#: summaries and bodies, all kept, hold 1 MiB), so ~3 MiB at most.
PREPARED_CHARS = 300_000
_prepared: OrderedDict[tuple, Prepared] = OrderedDict()
_prepared_chars = 0
_prepared_lock = threading.Lock()


def prepared(text: str, ana: ScriptTokenizer) -> Prepared:
    """`Prepared(text, ana)`, kept per process (least recently used out first): a text
    is found by many queries, and reading its words was most of a snippet's cost."""
    global _prepared_chars
    key = (ana.options(), text)
    with _prepared_lock:
        found = _prepared.get(key)
        if found is not None:
            _prepared.move_to_end(key)
            return found
    found = Prepared(text, ana)
    if len(text) > PREPARED_CHARS // 8:
        return found
    with _prepared_lock:
        if key not in _prepared:
            _prepared[key] = found
            _prepared_chars += len(text)
            while _prepared_chars > PREPARED_CHARS:
                _, gone = _prepared.popitem(last=False)
                _prepared_chars -= len(gone.text)
    return found


def _spans(text: str, terms, prefixes, ana: ScriptTokenizer) -> list[list[int]]:
    """Where `text` holds a word of `terms` or `prefixes`, as merged [start, end) spans.

    The same tokens as `ana(text, chars=True, mode="query")` gives, read from the
    analyser's per-word cache (`ScriptTokenizer.units`) without a Token per word: the
    analyser's generator cost most of a results page's snippets."""
    if not isinstance(ana, ScriptTokenizer):
        return _spans_of_tokens(text, terms, prefixes, ana)
    return _spans_of(prepared(text, ana), terms, prefixes)


def _spans_of(text: Prepared, terms, prefixes, asked: tuple[str, ...] = ()) -> list[list[int]]:
    return _spans_in(text, terms, prefixes, text.candidates(_heads(terms, prefixes, asked)))


def _spans_in(text: Prepared, terms, prefixes, wanted: list[int] | None) -> list[list[int]]:
    """`_spans_of` in the words `wanted` (None: every word)."""
    spans: list[list[int]] = []
    starts, ends = text.bounds()
    for n in range(len(starts)) if wanted is None else wanted:
        groups = text.units(n)
        if not groups:
            continue
        if len(groups) == 1:  # one position: the word's terms, or one syllable
            for term in groups[0]:
                if term in terms or (prefixes and term.startswith(prefixes)):
                    _add(spans, starts[n], ends[n])
                    break
            continue
        start = starts[n]
        for i, (gram,) in enumerate(groups):  # a Hangul/Han bigram per position
            if gram in terms or (prefixes and gram.startswith(prefixes)):
                _add(spans, start + i, start + i + len(gram))
    return spans


def _add(spans: list[list[int]], start: int, end: int) -> None:
    if spans and start <= spans[-1][1]:
        spans[-1][1] = max(spans[-1][1], end)
    else:
        spans.append([start, end])


def _spans_of_tokens(text: str, terms, prefixes, ana) -> list[list[int]]:
    spans: list[list[int]] = []
    for token in ana(text, chars=True, mode="query"):
        word = token.text
        if word in terms or (prefixes and word.startswith(prefixes)):
            _add(spans, token.startchar, token.endchar)
    return spans


def _may_match(text: str, terms, prefixes) -> bool:
    """Whether `text` may hold a word of `terms` or `prefixes`: the first three letters
    of one of them appear in it (stems and lemmas begin as their words do, bar a few
    irregular Russian forms, which then get a plain snippet). Analysing a text costs
    ~100 times more, and a record found through its names or a synonym may have none."""
    heads = _heads(frozenset(terms), tuple(prefixes))
    if not heads:
        return False
    low = _folded(text)
    return any(head in low for head in heads)


def _folded(text: str) -> str:
    return _ACCENTED.sub(lambda m: fold(m.group()), text.lower()).replace("ё", "е")


@lru_cache(maxsize=64)
def _heads(
    terms: frozenset[str], prefixes: tuple[str, ...], asked: tuple[str, ...] = ()
) -> frozenset[str]:
    """The first three letters of each term, prefix and word the reader typed: once a
    query, not once a text (a query's terms, with their other spellings and synonyms, are
    dozens). The typed words find the irregular forms typed as such (ели: есть)."""
    return frozenset({t[:3] for t in terms} | {p[:3] for p in prefixes} | {w[:3] for w in asked})


def asked_words(query: str) -> tuple[str, ...]:
    """The words of a query as typed, folded as texts are (`snippet`'s `asked`)."""
    return tuple(dict.fromkeys(_folded(w) for w in WORD.findall(query or "")))


def _window(text: str, spans: list[list[int]], width: int) -> tuple[int, int]:
    best, best_count = spans[0][0], 0
    for i, (start, _) in enumerate(spans):
        count = sum(1 for s, _ in spans[i:] if s < start + width)
        if count > best_count:
            best, best_count = start, count
    begin = max(0, best - width // 4)
    if begin:
        space = text.rfind(" ", 0, begin)
        begin = space + 1 if space >= 0 and begin - space < 30 else begin
    end = min(len(text), begin + width)
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > begin + width // 2 else end
    return begin, end


def snippet(
    text: str,
    terms: frozenset[str],
    prefixes: tuple[str, ...],
    ana: ScriptTokenizer = _tokenizer,
    width: int = WIDTH,
    *,
    asked: tuple[str, ...] = (),
) -> Markup | None:
    """The best window of `text` with matched words marked, or None if nothing matched
    (`asked`: the query's words as typed, `asked_words`)."""
    if isinstance(ana, ScriptTokenizer):
        ready = prepared(text, ana)
        heads = _heads(terms, prefixes, asked)
        if not heads:
            return None
        # The words where a head is found: none, where `_may_match` finds no head.
        # Only when the text's folded positions are not its own (None) is every word
        # read, and then only where some head is found, as `_may_match` allows.
        wanted = ready.candidates(heads)
        if wanted is None and not any(head in ready.low for head in heads):
            return None
        spans = _spans_in(ready, terms, prefixes, wanted)
    else:
        if not _may_match(text, terms, prefixes):
            return None
        spans = _spans(text, terms, prefixes, ana)
    if not spans:
        return None
    begin, end = _window(text, spans, width)
    # Escaped pieces joined as text and made markup once (`Markup.join` escapes each again).
    out, at = ["…" if begin else ""], begin
    for start, stop in spans:
        if stop <= begin or start >= end:
            continue
        start, stop = max(start, begin), min(stop, end)
        out.append(escape(text[at:start]))
        out.append(f"<mark>{escape(text[start:stop])}</mark>")
        at = stop
    out.append(escape(text[at:end]))
    if end < len(text):
        out.append("…")
    return Markup("".join(out))


def plain(text: str, width: int = WIDTH) -> Markup:
    """The beginning of `text`, escaped, cut at a word."""
    if len(text) <= width:
        return escape(text)
    cut = text.rfind(" ", 0, width)
    return escape(text[: cut if cut > width // 2 else width]) + Markup("…")
