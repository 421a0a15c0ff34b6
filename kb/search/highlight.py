"""Snippets: a window of text around the words a query matched, with <mark> around them.

Whoosh's own highlighter repeats characters when tokens overlap (Korean bigrams do),
so spans are found with the same analyser, merged, and cut here.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from kb.search.analysis import ScriptTokenizer, fold

_tokenizer = ScriptTokenizer()
#: Latin letters with accents and modifier letters: folded as the analyser folds them.
_ACCENTED = re.compile(r"[\u00c0-\u024f\u02b0-\u02ff\u1e00-\u1eff]+")
WIDTH = 240


def _spans(text: str, terms, prefixes, ana: ScriptTokenizer) -> list[list[int]]:
    spans: list[list[int]] = []
    for token in ana(text, chars=True, mode="query"):
        word = token.text
        if word in terms or (prefixes and word.startswith(prefixes)):
            start, end = token.startchar, token.endchar
            if spans and start <= spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], end)
            else:
                spans.append([start, end])
    return spans


def _may_match(text: str, terms, prefixes) -> bool:
    """Whether `text` may hold a word of `terms` or `prefixes`: the first three letters
    of one of them appear in it (stems and lemmas begin as their words do, bar a few
    irregular Russian forms, which then get a plain snippet). Analysing a text costs
    ~100 times more, and a record found through its names or a synonym may have none."""
    heads = {t[:3] for t in terms} | {p[:3] for p in prefixes}
    if not heads:
        return False
    low = _ACCENTED.sub(lambda m: fold(m.group()), text.lower()).replace("ё", "е")
    return any(head in low for head in heads)


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
) -> Markup | None:
    """The best window of `text` with matched words marked, or None if nothing matched."""
    if not _may_match(text, terms, prefixes):
        return None
    spans = _spans(text, terms, prefixes, ana)
    if not spans:
        return None
    begin, end = _window(text, spans, width)
    out, at = [Markup("…") if begin else Markup("")], begin
    for start, stop in spans:
        if stop <= begin or start >= end:
            continue
        start, stop = max(start, begin), min(stop, end)
        out.append(escape(text[at:start]))
        out.append(Markup("<mark>{}</mark>").format(text[start:stop]))
        at = stop
    out.append(escape(text[at:end]))
    if end < len(text):
        out.append(Markup("…"))
    return Markup("").join(out)


def plain(text: str, width: int = WIDTH) -> Markup:
    """The beginning of `text`, escaped, cut at a word."""
    if len(text) <= width:
        return escape(text)
    cut = text.rfind(" ", 0, width)
    return escape(text[: cut if cut > width // 2 else width]) + Markup("…")
