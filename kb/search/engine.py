"""Running a search: top hits, totals, facet counts, snippets and "did you mean"."""

from __future__ import annotations

import weakref
from collections import OrderedDict
from dataclasses import dataclass, field

from markupsafe import Markup
from whoosh import query as wq

from kb.i18n import fallback_order
from kb.search import intent, synonyms, variants
from kb.search.analysis import BIGRAM_SCRIPT, fold
from kb.search.evaluate import (
    Context,
    add,
    evaluate,
    facet_counts,
    fill,
    lift,
    restrict,
    top,
    total,
)
from kb.search.highlight import asked_words, plain, snippet
from kb.search.query import (
    Part,
    combine,
    filter_query,
    highlight_terms,
    parse,
    part_queries,
    word_variants,
)
from kb.search.store import Holder
from kb.services.common import Page

#: A query that names a country, type or year and whose words are all in fewer records
#: than this is filled up with the records that have some of its words, ranked below.
FILL_BELOW = 10
#: In a query that names a country, type or year, a word in more than this share of all
#: records ("heritage", «наследие», 무형유산) is not required, only counted.
COMMON = 0.25


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
class Results(Page):
    """One page of results (pagination as every list has), with facet counts over all."""

    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    suggestion: str | None = None
    relaxed: bool = False  # no record had every word: these have some
    #: Filters the query seems to ask for ("festivals of Uzbekistan"), not yet applied.
    suggested_filters: dict[str, str] = field(default_factory=dict)
    #: Each country's names by language (code → names), as the searcher that found these
    #: holds them: what the country facet is labelled with (`_countries_of`).
    countries: dict[str, dict] = field(default_factory=dict)


_country_names: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _countries_of(searcher) -> dict[str, dict]:
    """Each country's names by language, as the index holds them (code → names): what a
    results page labels its country facet with, so that it reads nothing but the index
    (the index follows every change to a country; kept per searcher)."""
    found = _country_names.get(searcher)
    if found is None:
        found = _country_names[searcher] = {
            stored["data"]["slug"].upper(): dict(stored["data"].get("name") or {})
            for stored in searcher.documents(type="countries")
        }
    return found


#: Records' stored fields each searcher keeps, decoded (a few KB each): a record is
#: found by many queries, and decoding its fields (zlib and pickle) was a sixth of a
#: search's cost. A searcher's documents never change; a commit opens a new searcher.
STORED_KEPT = 400
_stored_kept: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _stored(searcher, docnum: int) -> dict:
    """`searcher.stored_fields(docnum)`, kept per searcher (least recently used out
    first); callers only read it."""
    kept = _stored_kept.get(searcher)
    if kept is None:
        kept = _stored_kept[searcher] = OrderedDict()
    found = kept.get(docnum)
    if found is None:
        found = kept[docnum] = searcher.stored_fields(docnum)
        if len(kept) > STORED_KEPT:
            kept.popitem(last=False)
    else:
        kept.move_to_end(docnum)
    return found


def suggest(ctx: Context, parts: list[Part]) -> str | None:
    """The query with each word that matches nothing replaced by its nearest known word
    (for Hangul, the nearest name, letter by letter)."""
    searcher = ctx.searcher
    ana = searcher.schema["text"].analyzer
    out, changed = [], False
    for part in parts:
        better = None
        if part.kind == "word" and BIGRAM_SCRIPT.match(part.text) and len(part.text) >= 2:
            if not variants.literal_count(searcher, part.text, ana):
                better = variants.suggestion(ctx, part.text)
        elif part.kind == "word" and len(part.text) >= 3:
            terms = ana.terms(part.text)
            if terms and not any(ctx.doc_frequency("text", t) for t in terms):
                better = variants.closest(searcher, fold(part.text).replace("ё", "е"))
        out.append(better or str(part))
        changed = changed or better is not None
    return " ".join(out) if changed else None


def _alternatives(ctx: Context, ana, fixed: dict[int, str]):
    """The other queries of a query word: names in other scripts and spellings, the
    nearest word of the texts for a word in none (`fixed`: by word index), and the
    records of a country, type or year it names."""

    def extra(part: Part, words: list[str], i: int):
        count = variants.literal_count(ctx.searcher, part.text, ana)
        found = word_variants(part.text) if BIGRAM_SCRIPT.match(part.text) else [part.text]
        more = variants.alternatives(ctx, part.text, found, count)
        if count < variants.FEW:
            more += variants.joined_alternatives(ctx, words, i)
        if i in fixed:
            q = synonyms.member_query(fixed[i], ana, variants.FIXED)
            more += [q] if q is not None else []
        facet = intent.satisfied(ctx.searcher, _read_as(words, fixed), i, ana)
        return more + [facet] if facet is not None else more

    return extra


def _split_common(ctx: Context, parts: list[Part], named: dict) -> tuple[list[Part], list]:
    """For a query that names a country, type or year: (the parts every record found
    must have, the words of the network's every text that it need not: "Iran's
    intangible heritage" is Iran's records, those that say "heritage" first). Words in
    more than `COMMON` of all records are such; ([], []) for other queries."""
    if not named:
        return parts, []
    searcher = ctx.searcher
    ana = searcher.schema["text"].analyzer
    words = [p.text for p in parts if p.kind == "word"]
    many = COMMON * searcher.doc_count()
    optional, i = set(), 0
    for n, part in enumerate(parts):
        if part.kind == "word":
            if not intent.named(searcher, words, i, ana) and (
                variants.literal_count(searcher, part.text, ana) > many
            ):
                optional.add(n)
            i += 1
    if not optional or len(optional) == len(parts):
        return parts, []
    return (
        [p for n, p in enumerate(parts) if n not in optional],
        [p for n, p in enumerate(parts) if n in optional],
    )


def corrections(ctx: Context, parts: list[Part]) -> dict[int, str]:
    """For each query word found in no record (by its index among the words), the
    nearest word of the texts, where there is one (`variants.correction`)."""
    searcher = ctx.searcher
    ana = searcher.schema["text"].analyzer
    out = {}
    words = [p.text for p in parts if p.kind == "word"]
    for i, word in enumerate(words):
        if (
            (BIGRAM_SCRIPT.match(word) or len(word) >= 3)
            and not variants.literal_count(searcher, word, ana)
            and not intent.named(searcher, words, i, ana)
        ):
            fixed = variants.correction(searcher, word)
            if fixed:
                out[i] = fixed
    return out


def _read_as(words: list[str], fixed: dict[int, str]) -> list[str]:
    return [fixed.get(i, w) for i, w in enumerate(words)]


def _fixed_parts(parts: list[Part], fixed: dict[int, str]) -> list[Part]:
    """`parts` with each word found in no record read as its correction."""
    out, i = [], 0
    for part in parts:
        if part.kind == "word":
            part = Part("word", fixed.get(i, part.text))
            i += 1
        out.append(part)
    return out


def _snippet(
    data: dict, terms, prefixes, lang: str, ana, asked: tuple[str, ...] = ()
) -> tuple[Markup, str | None]:
    """A snippet in the reader's language if the match is there, else where it is."""
    summary, body = data.get("summary") or {}, data.get("body") or {}
    # "und": names of linked records, in no one language: the last place to look.
    order = fallback_order(lang) + sorted(set(summary) | set(body) - {"und"}) + ["und"]
    if terms or prefixes:
        for code in dict.fromkeys(order):  # most hits stop at the first or second text
            for text in (summary.get(code), body.get(code)):
                if text:
                    marked = snippet(text, terms, prefixes, ana, asked=asked)
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
    scope: dict | None = None,
) -> Results:
    """Search for `text` (any language) narrowed by `filters`; one page of results
    (`scope`: a request's environ, so that it looks at the index once: `Holder._fresh`)."""
    parts = typed = parse(text)
    fq = filter_query(filters or {})
    with holder.searcher(scope) as searcher:
        ana = searcher.schema["text"].analyzer
        ctx = Context(searcher, holder.segment_cache, holder.postings)
        fixed = corrections(ctx, parts)
        named = intent.detect(searcher, _fixed_parts(parts, fixed), ana) if parts else {}
        required, optional = _split_common(ctx, parts, named)
        if optional:
            parts, fixed = required, corrections(ctx, required)
        composed: dict = {}  # the parts' queries, for the relaxed query below
        q = compose(ctx, parts, fixed=fixed, memo=composed)
        if q is None and fq is None:
            return Results([], 0, page, per_page, countries=_countries_of(searcher))
        allowed = evaluate(ctx, fq) if fq is not None else None
        base = q if q is not None else wq.Every()
        found = _narrow(evaluate(ctx, base), allowed)
        relaxed = False
        marked = base
        if optional and q is not None:  # their words weigh, but need not all be there
            oq = compose(ctx, optional, relax=True)
            found, marked = add(found, evaluate(ctx, oq)), wq.Or([base, oq])
        few = total(found) < FILL_BELOW and bool(named)
        again = None
        if (few or not total(found)) and q is not None and len(parts) > 1:
            relaxed_q = compose(ctx, parts, relax=True, fixed=fixed, memo=composed)
            again = _narrow(evaluate(ctx, relaxed_q), allowed)
            if not total(found) and total(again):
                base, found, relaxed, again = relaxed_q, again, True, None
                marked = base
        wanted = {}
        if q is not None:
            found, wanted = _lift(ctx, typed, found, filters or {}, named)
        if again is not None and total(again):
            # "elements of Iran's heritage": Iran's elements too, whatever their texts
            # call them, below the records that have every word.
            found = fill(found, _lift(ctx, typed, again, filters or {}, named)[0])
        count = total(found)
        facets = facet_counts(ctx, found)
        offered = {
            name: value
            for name, value in wanted.items()
            if 0 < dict(facets.get(name, ())).get(value, 0) < count
        }
        hits = []
        if count and (page - 1) * per_page < count:
            terms, prefixes = highlight_terms(marked) if q is not None else (frozenset(), ())
            asked = asked_words(text)
            for docnum, score in top(ctx, found, page * per_page)[(page - 1) * per_page :]:
                stored = _stored(searcher, docnum)
                data = stored["data"]
                marked, snippet_lang = _snippet(data, terms, prefixes, lang, ana, asked)
                hits.append(
                    Hit(stored["type"], data["slug"], data["name"], marked, snippet_lang, score)
                )
        suggestion = suggest(ctx, typed) if typed else None
        countries = _countries_of(searcher)
    return Results(hits, count, page, per_page, facets, suggestion, relaxed, offered, countries)


def compose(ctx: Context, parts: list[Part], relax: bool = False, fixed=None, memo=None):
    """The query for `parts`: each word as typed, its synonyms, its other spellings
    (a word found in no record: also as its correction, and its synonyms'); `fixed`:
    `corrections(ctx, parts)` if already known; `memo`: a dict where the parts' queries
    are kept for the same query composed again (relaxed: the same, ORed)."""
    ana = ctx.searcher.schema["text"].analyzer
    fixed = corrections(ctx, parts) if fixed is None else fixed
    key = (tuple(parts), tuple(sorted(fixed.items())))
    if memo is not None and key in memo:
        return combine(memo[key], relax)
    spans = synonyms.spans(parts, ana)
    if fixed:  # the corrected words' synonyms, where the words as typed have none
        taken = {i for start, end, _ in spans for i in range(start, end + 1)}
        spans += [
            span
            for span in synonyms.spans(_fixed_parts(parts, fixed), ana)
            if not taken & set(range(span[0], span[1] + 1))
        ]
    queries = part_queries(parts, ana, extra=_alternatives(ctx, ana, fixed), spans=spans)
    if memo is not None:
        memo[key] = queries
    return combine(queries, relax)


def _lift(ctx: Context, parts: list[Part], found, filters: dict, named: dict[str, str]):
    """Records named exactly as typed, then those of the country, type or year the query
    names (`named`), lifted; returns (found, {facet: value} named and not filtered on)."""
    exact = intent.exact_query(parts) if "names" in ctx.searcher.schema else None
    if exact is not None:
        found = lift(found, evaluate(ctx, exact), intent.EXACT)
    wanted = {k: v for k, v in named.items() if k not in filters}
    for name, value in wanted.items():
        found = lift(found, evaluate(ctx, wq.Term(name, value)), intent.LIFT)
    return found, wanted


def _narrow(found, allowed):
    return found if allowed is None else restrict(found, allowed)
