"""Running a search: top hits, totals, facet counts, snippets and "did you mean"."""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup
from whoosh import query as wq

from kb.i18n import fallback_order
from kb.search.analysis import BIGRAM_SCRIPT, fold
from kb.search.highlight import plain, snippet
from kb.search.query import Part, build, filter_query, highlight_terms, parse
from kb.search.schema import FACETS
from kb.search.store import Holder


@dataclass
class Hit:
    """One found record: its type (collection), slug, names per language and a snippet."""

    type: str
    slug: str
    name: dict
    snippet: Markup
    snippet_lang: str | None
    score: float


@dataclass
class Results:
    """One page of results, with facet counts over all of them."""

    items: list[Hit]
    total: int
    page: int
    per_page: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    suggestion: str | None = None
    relaxed: bool = False  # no record had every word: these have some

    @property
    def pages(self) -> int:
        """How many pages there are in all."""
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _facet_sets(holder: Holder, sub) -> dict[str, dict[str, frozenset]]:
    """Each facet value's documents in one segment (segments never change: cached)."""
    reader = sub.reader()
    seg_id = reader._segment.segment_id()
    sets = holder.segment_cache.get(seg_id)
    if sets is None:
        sets = {
            name: {
                term: frozenset(reader.postings(name, term).all_ids())
                for term in reader.field_terms(name)
            }
            for name in FACETS
        }
        holder.segment_cache[seg_id] = sets
    return sets


def _match(holder: Holder, searcher, q: wq.Query) -> tuple[int, dict]:
    """How many documents match `q`, and the facet counts among them."""
    total, counts = 0, {name: {} for name in FACETS}
    leaves = searcher.leaf_searchers()
    live = set()
    for sub, _offset in leaves:
        if getattr(sub.reader(), "_segment", None) is None:
            continue  # an empty index
        matched = set(q.docs(sub))
        total += len(matched)
        sets = _facet_sets(holder, sub)
        live.add(sub.reader()._segment.segment_id())
        if not matched:
            continue
        for name, by_term in sets.items():
            tally = counts[name]
            for term, docs in by_term.items():
                n = len(matched & docs) if len(docs) < len(matched) else len(docs & matched)
                if n:
                    tally[term] = tally.get(term, 0) + n
    for stale in set(holder.segment_cache) - live:
        del holder.segment_cache[stale]
    facets = {
        name: sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))
        for name, tally in counts.items()
    }
    return total, facets


def _closest(searcher, word: str) -> str | None:
    """The word of the index's vocabulary nearest to `word` (ties: the most frequent)."""
    for maxdist in (1, 2) if len(word) >= 5 else (1,):
        found = set()
        for sub, _ in searcher.leaf_searchers():
            if getattr(sub.reader(), "_segment", None) is not None:
                found.update(sub.reader().terms_within("spell", word, maxdist, prefix=1))
        found.discard(word)
        if found:
            return max(sorted(found), key=lambda t: searcher.doc_frequency("spell", t))
    return None


def suggest(searcher, parts: list[Part]) -> str | None:
    """The query with each word that matches nothing replaced by its nearest known word."""
    out, changed = [], False
    for part in parts:
        if part.kind == "word" and len(part.text) >= 3 and not BIGRAM_SCRIPT.match(part.text):
            terms = searcher.schema["text"].analyzer.terms(part.text)
            if terms and not any(searcher.doc_frequency("text", t) for t in terms):
                better = _closest(searcher, fold(part.text).replace("ё", "е"))
                if better:
                    out.append(better)
                    changed = True
                    continue
        out.append(str(part))
    return " ".join(out) if changed else None


def _snippet(data: dict, terms, prefixes, lang: str, ana) -> tuple[Markup, str | None]:
    """A snippet in the reader's language if the match is there, else where it is."""
    summary, body = data.get("summary") or {}, data.get("body") or {}
    # "und": names of linked records, in no one language: the last place to look.
    order = fallback_order(lang) + sorted(set(summary) | set(body) - {"und"}) + ["und"]
    if terms or prefixes:
        texts = [(t.get(c), c) for c in dict.fromkeys(order) for t in (summary, body)]
        for text, code in texts:
            if text:
                marked = snippet(text, terms, prefixes, ana)
                if marked is not None:
                    return marked, None if code == "und" else code
    for code in dict.fromkeys(order):
        if summary.get(code):
            return plain(summary[code]), code
    return Markup(""), None


def run(
    holder: Holder,
    text: str,
    filters: dict | None = None,
    *,
    page: int = 1,
    per_page: int = 20,
    lang: str = "en",
) -> Results:
    """Search for `text` (any language) narrowed by `filters`; one page of results."""
    parts = parse(text)
    fq = filter_query(filters or {})
    with holder.searcher() as searcher:
        ana = searcher.schema["text"].analyzer
        q = build(parts, ana)
        if q is None and fq is None:
            return Results([], 0, page, per_page)
        base = q if q is not None else wq.Every()
        total, facets = _match(holder, searcher, wq.And([base, fq]) if fq else base)
        relaxed = False
        if total == 0 and q is not None and len(parts) > 1:
            relaxed_q = build(parts, ana, relax=True)
            total, facets = _match(holder, searcher, wq.And([relaxed_q, fq]) if fq else relaxed_q)
            if total:
                base, relaxed = relaxed_q, True
        hits = []
        if total and (page - 1) * per_page < total:
            found = searcher.search(base, filter=fq, limit=page * per_page)
            terms, prefixes = highlight_terms(base) if q is not None else (frozenset(), ())
            for hit in found[(page - 1) * per_page :]:
                data = hit["data"]
                marked, snippet_lang = _snippet(data, terms, prefixes, lang, ana)
                hits.append(
                    Hit(hit["type"], data["slug"], data["name"], marked, snippet_lang, hit.score)
                )
        suggestion = suggest(searcher, parts) if parts else None
    return Results(hits, total, page, per_page, facets, suggestion, relaxed)
