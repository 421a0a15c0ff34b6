"""Evaluating a query over the index's segments with arrays instead of Whoosh's matchers.

Whoosh's matchers walk postings one document at a time in Python and, for the top
ten, re-walk them with block-quality bookkeeping that grows with every term of a
prefix's expansion (a four-letter prefix took seconds). Here each term's posting list
is read whole, a block at a time (Whoosh's own block format, decoded in C by zlib and
pickle), into numpy arrays; AND and OR are array intersections and unions, scores are
Whoosh's BM25F (same formula, parameters and statistics) computed on whole arrays,
phrases check positions only for documents that have every word, and facet counts are
`bincount`s over per-segment arrays cached while the segment lives.

The index format stays Whoosh's; only reading it is done here.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from itertools import accumulate
from math import log
from pickle import loads

import numpy as np
from whoosh import query as wq

from kb.keep import kept
from kb.search import adapter
from kb.search.schema import FACETS

FIELD = "text"
#: The fields whose terms are scored (BM25F); terms of the others only filter.
SCORED = (FIELD, "names")
#: Whoosh's BM25F defaults (`whoosh.scoring.BM25F`), so rankings stay what they were.
K1, B = 1.2, 0.75
_NONE = np.zeros(0, dtype=np.int64)
_NO_SCORES = np.zeros(0, dtype=np.float64)


@dataclass(slots=True)
class Postings:
    """One term's postings in one segment: document numbers, weights, raw values."""

    ids: np.ndarray
    weights: np.ndarray
    values: list | None = None
    #: (idf, average length, BM25F scores) once scored (`Context.scores`): a kept term's
    #: scores stay right until a commit changes its statistics.
    scored: tuple | None = None


EMPTY = Postings(_NONE, _NO_SCORES, [])


class SegmentArrays:
    """What a query needs of one segment beyond its postings, computed once per segment.

    `lengths`: per scored field, each document's length (as Whoosh stores it, a byte);
    `facets`: every facet field's values, as (field, value), and two parallel arrays
    (document, index of its field and value) with one entry per document and value:
    one array of all fields, so that counting them is a few array operations a query,
    not a few per field.
    """

    def __init__(self, reader):
        self.size = reader.doc_count_all()
        self.lengths = {
            name: adapter.field_lengths(reader, name, self.size)
            for name in SCORED
            if name in reader.schema
        }
        values, docs, codes = [], [], []
        for name in FACETS:
            for term in reader.field_terms(name):
                ids = read_postings(reader, name, term).ids
                docs.append(ids.astype(np.int32))  # a segment's numbers fit: half the bytes
                codes.append(np.full(len(ids), len(values), dtype=np.int32))
                values.append((name, term))
        self.facets = (
            values,
            np.concatenate(docs) if docs else np.zeros(0, dtype=np.int32),
            np.concatenate(codes) if codes else np.zeros(0, dtype=np.int32),
        )
        self._deleted = -1
        self._live = None
        #: Per (field, average length): `Context.bm25`'s length normalisation of each
        #: document, the part of BM25F that is not the term's. A segment's lengths never
        #: change and the average changes only with a commit, so a term's scores are
        #: four array operations instead of eight (most terms have a handful of postings,
        #: where numpy's cost is per call, not per element). The last few averages only.
        self._norms: dict[tuple[str, float], np.ndarray] = {}

    def norms(self, field: str, avgfl: float) -> np.ndarray:
        """`K1 * ((1 - B) + B * length / avgfl)` of every document's `field`."""
        # The last few averages only: older ones were older searchers'.
        return kept(
            self._norms,
            (field, avgfl),
            lambda: K1 * ((1 - B) + B * self.lengths[field] / avgfl),
            4,
        )

    def live(self, reader) -> tuple[np.ndarray | None, int]:
        """A mask of the documents not deleted (None when none is), and how many are."""
        deleted = reader.deleted_docs_set if reader.has_deletions() else ()
        if len(deleted) != self._deleted:  # a segment's deletions only ever grow
            live = None
            if deleted:
                live = np.ones(self.size, dtype=bool)
                live[np.fromiter(deleted, dtype=np.int64, count=len(deleted))] = False
            self._live, self._deleted = live, len(deleted)
        return self._live, len(deleted)


def read_postings(reader, field: str, text: str, values: bool = False) -> Postings:
    """All postings of `text` in `field` of one segment reader (deleted ones may be
    included: `Context.postings` drops them)."""
    ids, weights, vals = adapter.read_postings(reader, field, text, values)
    return Postings(ids, weights, vals) if len(ids) else EMPTY


#: Per searcher, terms' document frequencies already looked up (`Context.doc_frequency`).
_frequencies: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


#: What one kept term costs beyond its arrays' data (measured with tracemalloc): its key
#: and slot (~200 bytes), and unless it is the shared EMPTY, two arrays and a Postings
#: (~300). Counting only the data let 2 MiB hold 15,000 empty or one-document terms
#: (~3 MiB) after bench/search.py's changes, each looked up in every small segment.
#: A kept term's scores (`Postings.scored`) are counted when it is put: as many bytes
#: as its weights.
ENTRY_BYTES = 200
ARRAYS_BYTES = 300


class PostingsCache:
    """Decoded postings kept per process, least recently used first out, bounded in bytes.

    A segment's postings never change (deletions only grow, and are applied before
    keeping: `Context.postings` keys them by the segment's number of deletions), so a
    term read once is reused until its segment goes away; a results page reads the same
    few dozen terms (the words, their synonyms and names' keys, the lifted facets) for
    every reader who types the same words.
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.bytes = 0
        self._kept: dict[tuple, tuple[Postings, int]] = {}

    def get(self, key: tuple) -> Postings | None:
        found = self._kept.pop(key, None)
        if found is None:
            return None
        self._kept[key] = found  # now the most recently used
        return found[0]

    def put(self, key: tuple, postings: Postings) -> None:
        size = ENTRY_BYTES
        if postings is not EMPTY:
            size += ARRAYS_BYTES + postings.ids.nbytes + 2 * postings.weights.nbytes
        if postings.values is not None:
            size += sum(len(v) + 40 for v in postings.values)
        if size > self.max_bytes // 8:
            return  # one huge term would push out everything else
        old = self._kept.pop(key, None)
        if old is not None:
            self.bytes -= old[1]
        while self._kept and self.bytes + size > self.max_bytes:
            _, freed = self._kept.pop(next(iter(self._kept)))
            self.bytes -= freed
        self._kept[key] = (postings, size)
        self.bytes += size

    def drop(self, segments: set) -> None:
        """Forget the postings of segments that went away (merged or replaced)."""
        for key in [k for k in self._kept if k[0] in segments]:
            self.bytes -= self._kept.pop(key)[1]


class Leaves:
    """What a query reads of its searcher beyond postings: each segment's reader,
    offset, arrays and live mask, and the fields' average lengths. The same for every
    query on one searcher (a commit, even a deletion, opens another: `store.Holder`), so
    made once per searcher (`Context`), and only read after."""

    def __init__(self, searcher, cache: dict, postings: PostingsCache | None):
        self.cache, self.postings = cache, postings
        self.leaves = []  # (reader, offset, SegmentArrays, live mask or None)
        self.every_leaf = []  # the same, and the segments with every document deleted
        self.segments = []  # each leaf's segment id
        self.deleted = []  # each leaf's number of deleted documents
        live_ids = set()
        for reader, offset in adapter.leaf_readers(searcher):
            seg_id = adapter.segment_id(reader)
            arrays = cache.get(seg_id)
            if arrays is None:
                arrays = cache[seg_id] = SegmentArrays(reader)
            live_ids.add(seg_id)
            live, deleted = arrays.live(reader)
            self.every_leaf.append((reader, offset, arrays, live))
            if deleted == arrays.size:
                continue
            self.leaves.append((reader, offset, arrays, live))
            self.segments.append(seg_id)
            self.deleted.append(deleted)
        stale = set(cache) - live_ids
        for seg_id in stale:
            del cache[seg_id]
        if stale and postings is not None:
            postings.drop(stale)
        self.avgfl = {name: searcher.avg_field_length(name) or 1 for name in SCORED}
        self.doc_count = searcher.doc_count_all()


_leaves: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class Context:
    """One query over one searcher: its leaf readers, their arrays and global statistics.

    `postings`: where decoded postings are kept between queries (the holder's), if
    anywhere. A segment whose every document is deleted (all of them written again
    into later segments, and not yet merged away) is no leaf: it would find nothing at
    the cost of every array operation of every term (`every_leaf` has it)."""

    def __init__(self, searcher, cache: dict, postings: PostingsCache | None = None):
        self.searcher = searcher
        self.kept = postings
        self._df = _frequencies.get(searcher)
        if self._df is None or len(self._df) > 20_000:
            self._df = _frequencies[searcher] = {}
        found = _leaves.get(searcher)
        if found is None or found.cache is not cache or found.postings is not postings:
            found = _leaves[searcher] = Leaves(searcher, cache, postings)
        self.leaves, self.every_leaf = found.leaves, found.every_leaf
        self.segments, self.deleted = found.segments, found.deleted
        self.avgfl = dict(found.avgfl)
        self.doc_count = found.doc_count
        #: Terms' scores already computed for this query, by (field, text, boost): a
        #: word is in the query, its relaxed form and the words lifted alike.
        self.scored: dict[tuple[str, str, float], Result] = {}

    def doc_frequency(self, field: str, text: str) -> int:
        """The searcher's `doc_frequency`, remembered while the searcher serves."""
        found = self._df.get((field, text))
        if found is None:
            found = self._df[field, text] = self.searcher.doc_frequency(field, text)
        return found

    def idf(self, df: int) -> float:
        """Whoosh's idf (`WeightingModel.idf`) for a term in `df` documents."""
        return log(self.doc_count / (df + 1)) + 1 if self.doc_count else 1.0

    def postings(self, i: int, field: str, text: str, values: bool = False) -> Postings:
        """The live postings of `text` in leaf `i`."""
        if self.kept is None or values:  # positions (phrases): large Python lists
            return self._read(i, field, text, values)
        # Kept as read less the deleted documents (a segment's deletions only grow, so
        # their number tells its deletions apart): a kept term is not filtered again.
        key = (self.segments[i], field, text, self.deleted[i])
        p = self.kept.get(key)
        if p is None:
            p = self._read(i, field, text)
            self.kept.put(key, p)
        return p

    def _read(self, i: int, field: str, text: str, values: bool = False) -> Postings:
        reader, _, _, live = self.leaves[i]
        p = read_postings(reader, field, text, values)
        if live is not None and len(p.ids):
            keep = live[p.ids]
            if not keep.all():
                vals = None
                if p.values is not None:
                    vals = [v for v, k in zip(p.values, keep.tolist(), strict=True) if k]
                p = Postings(p.ids[keep], p.weights[keep], vals)
        return p

    def scores(self, i: int, idf: float, p: Postings, field: str = FIELD) -> np.ndarray:
        """`bm25` of all of `p` (leaf `i`'s postings of a term of `field`), kept with
        them: a term kept between queries is scored again only after a commit."""
        avgfl = self.avgfl[field]
        scored = p.scored
        if scored is not None and scored[0] == idf and scored[1] == avgfl:
            return scored[2]
        found = self.bm25(i, idf, p.ids, p.weights, field)
        if p is not EMPTY:
            p.scored = (idf, avgfl, found)
        return found

    def bm25(
        self, i: int, idf: float, ids: np.ndarray, weights: np.ndarray, field: str = FIELD
    ) -> np.ndarray:
        """Whoosh's BM25F score of each posting."""
        norm = self.leaves[i][2].norms(field, self.avgfl[field])[ids]
        return idf * (weights * (K1 + 1)) / (weights + norm)


Result = list[tuple[np.ndarray, np.ndarray]]  # per leaf: (sorted doc numbers, scores)


def _found_in(ids: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Which of `ids` are in `keep` (both sorted, without repeats): `np.isin`'s answer by
    binary search, a few array operations where `isin`'s own cost many more."""
    if not len(keep):
        return np.zeros(len(ids), dtype=bool)
    at = keep.searchsorted(ids)  # the method: no dispatch through __array_function__
    np.minimum(at, len(keep) - 1, out=at)
    return keep[at] == ids


def _common(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`np.intersect1d(a, b, assume_unique=True, return_indices=True)` of sorted arrays
    without repeats (the values both have, in order, and where each is in `a` and in
    `b`), by binary search as `_found_in`."""
    if not len(a) or not len(b):
        return a[:0], np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    at = b.searchsorted(a)
    np.minimum(at, len(b) - 1, out=at)
    in_a = (b[at] == a).nonzero()[0]
    return a[in_a], in_a, at[in_a]


def _and(results: list[Result]) -> Result:
    out = []
    for per_leaf in zip(*results, strict=True):
        ordered = sorted(per_leaf, key=lambda r: len(r[0]))
        ids, scores = ordered[0]
        for other_ids, other_scores in ordered[1:]:
            if not len(ids):
                break
            ids, a, b = _common(ids, other_ids)
            scores = scores[a] + other_scores[b]
        out.append((ids, scores))
    return out


def _union(parts: list[tuple[np.ndarray, np.ndarray]], reduce: str = "sum"):
    parts = [p for p in parts if len(p[0])]
    if not parts:
        return _NONE, _NO_SCORES
    if len(parts) == 1:
        return parts[0]
    ids = np.concatenate([p[0] for p in parts])
    scores = np.concatenate([p[1] for p in parts])
    # `np.unique(ids, return_inverse=True)` in a few array operations (its own cost
    # more than the sort on arrays of a few hundred): each document's place among the
    # sorted distinct ones, in the order of `ids`, so sums are added in the same order.
    ordered = np.sort(ids)
    first = np.empty(len(ordered), dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    unique = ordered[first]
    inverse = unique.searchsorted(ids)
    if reduce == "sum":
        return unique, np.bincount(inverse, weights=scores, minlength=len(unique))
    out = np.zeros(len(unique), dtype=np.float64)
    np.maximum.at(out, inverse, scores)
    return unique, out


def _or(results: list[Result]) -> Result:
    return [_union(list(per_leaf)) for per_leaf in zip(*results, strict=True)]


def _term(ctx: Context, text: str, boost: float = 1.0, field: str = FIELD) -> Result:
    out = ctx.scored.get((field, text, boost))
    if out is None:
        if boost != 1:
            out = [(ids, scores * boost) for ids, scores in _term(ctx, text, 1.0, field)]
        else:
            idf = ctx.idf(ctx.doc_frequency(field, text))
            out = []
            for i in range(len(ctx.leaves)):
                p = ctx.postings(i, field, text)
                out.append((p.ids, ctx.scores(i, idf, p, field)))
        ctx.scored[field, text, boost] = out
    return out


def _prefix(ctx: Context, prefix: str, boost: float = 1.0) -> Result:
    """Documents with any word of the prefix, scored as if the prefix were one word.

    Its document frequency is the number of documents with any of its words, and a
    document's weight is its best word's (a record named "Shashmaqom" outranks one
    that mentions "shashmaqom" twice in its body).
    """
    unions = []
    for i, (reader, _, _, _) in enumerate(ctx.leaves):
        parts = []
        for btext in reader.expand_prefix(FIELD, prefix):
            p = ctx.postings(i, FIELD, btext.decode("utf-8"))
            parts.append((p.ids, p.weights))
        unions.append(_union(parts, reduce="max"))
    idf = ctx.idf(sum(len(ids) for ids, _ in unions))
    return [
        (ids, ctx.bm25(i, idf, ids, weights) * boost) for i, (ids, weights) in enumerate(unions)
    ]


def _positions(value: bytes) -> list[int]:
    """A posting's positions (Whoosh's Positions format: a count, then pickled deltas)."""
    data = value[4:]
    return list(accumulate(loads(data if data.endswith(b".") else data + b".")))


def _phrase(ctx: Context, words: list[str], boost: float = 1.0) -> Result:
    """Documents with the words at consecutive positions, scored like their AND."""
    idfs = [ctx.idf(ctx.doc_frequency(FIELD, w)) for w in words]
    out = []
    for i in range(len(ctx.leaves)):
        postings = []
        for w in dict.fromkeys(words):
            p = ctx.postings(i, FIELD, w, values=True)
            if not len(p.ids):
                break
            postings.append((w, p))
        else:
            by_word = dict(postings)
            ids = None
            for _, p in sorted(postings, key=lambda wp: len(wp[1].ids)):
                ids = p.ids if ids is None else np.intersect1d(ids, p.ids, assume_unique=True)
                if not len(ids):
                    break
            if len(ids):
                at = {w: np.searchsorted(p.ids, ids).tolist() for w, p in by_word.items()}
                keep = []
                first = by_word[words[0]].values, at[words[0]]
                later = [(k, by_word[w].values, at[w]) for k, w in enumerate(words[1:], 1)]
                for j in range(len(ids)):
                    # The first word's positions from which every later word follows:
                    # P0 ∩ (P1 - 1) ∩ (P2 - 2) …, in set operations, not a loop per
                    # start; a later word's positions read only while some start is left.
                    starts = set(_positions(first[0][first[1][j]]))
                    for k, values, where in later:
                        starts.intersection_update([x - k for x in _positions(values[where[j]])])
                        if not starts:
                            break
                    keep.append(bool(starts))
                ids = ids[np.array(keep, dtype=bool)]
                scores = np.zeros(len(ids), dtype=np.float64)
                for w, idf in zip(words, idfs, strict=True):
                    p = by_word[w]
                    at_ids = np.searchsorted(p.ids, ids)
                    scores += ctx.bm25(i, idf, ids, p.weights[at_ids])
                out.append((ids, scores * boost))
                continue
        out.append((_NONE, _NO_SCORES))
    return out


def _every(ctx: Context) -> Result:
    out = []
    for _, _, arrays, live in ctx.leaves:
        ids = np.arange(arrays.size, dtype=np.int64)
        if live is not None:
            ids = ids[live]
        out.append((ids, np.ones(len(ids), dtype=np.float64)))
    return out


def _whoosh(ctx: Context, q: wq.Query) -> Result:
    """Any other query: Whoosh's own matcher, per leaf."""
    out = []
    leaves = set(ctx.segments)
    for sub, _ in ctx.searcher.leaf_searchers():
        if adapter.segment_id(sub.reader()) not in leaves:
            continue  # an empty index, or a segment of deleted documents only
        m = q.matcher(sub, sub.context())
        ids, scores = [], []
        while m.is_active():
            ids.append(m.id())
            scores.append(m.score())
            m.next()
        out.append((np.array(ids, dtype=np.int64), np.array(scores, dtype=np.float64)))
    return out


def evaluate(ctx: Context, q: wq.Query) -> Result:
    """Matching documents and their scores, per leaf."""
    if isinstance(q, wq.Term):
        if q.fieldname in SCORED:
            return _term(ctx, q.text, q.boost, q.fieldname)
        return [
            (p.ids, np.zeros(len(p.ids)))
            for p in (ctx.postings(i, q.fieldname, q.text) for i in range(len(ctx.leaves)))
        ]
    if isinstance(q, wq.And):
        return _and([evaluate(ctx, sub) for sub in q.subqueries])
    if isinstance(q, wq.DisjunctionMax):
        # The best alternative's score (tiebreak 0). Whoosh's own DisjunctionMaxMatcher
        # is not used: it scores max(both children) even where only one matches.
        per_sub = [evaluate(ctx, sub) for sub in q.subqueries]
        return [_union(list(per_leaf), reduce="max") for per_leaf in zip(*per_sub, strict=True)]
    if isinstance(q, wq.Or):
        return _or([evaluate(ctx, sub) for sub in q.subqueries])
    if isinstance(q, wq.Prefix) and q.fieldname == FIELD:
        return _prefix(ctx, q.text, q.boost)
    if isinstance(q, wq.Phrase) and q.fieldname == FIELD and len(q.words) > 1:
        return _phrase(ctx, list(q.words), q.boost)
    if isinstance(q, wq.Every):
        return _every(ctx)
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return [(_NONE, _NO_SCORES) for _ in ctx.leaves]
    return _whoosh(ctx, q)


def restrict(result: Result, allowed: Result) -> Result:
    """`result` limited to documents in `allowed` (a filter: its scores are ignored)."""
    out = []
    for (ids, scores), (keep, _) in zip(result, allowed, strict=True):
        mask = _found_in(ids, keep)
        out.append((ids[mask], scores[mask]))
    return out


def lift(result: Result, chosen: Result, factor: float) -> Result:
    """`result` with the scores of documents also in `chosen` multiplied by `factor`."""
    out = []
    for (ids, scores), (keep, _) in zip(result, chosen, strict=True):
        if len(ids) and len(keep):
            scores = np.where(_found_in(ids, keep), scores * factor, scores)
        out.append((ids, scores))
    return out


def fill(result: Result, more: Result) -> Result:
    """`result` and, below every one of its documents, those of `more` it lacks: the
    scores of `result` are raised above the best of the others."""
    news = [~_found_in(m_ids, ids) for (ids, _), (m_ids, _) in zip(result, more, strict=True)]
    best = max(
        (float(m[1][n].max()) for m, n in zip(more, news, strict=True) if n.any()), default=0.0
    )
    out = []
    for (ids, scores), (more_ids, more_scores), new in zip(result, more, news, strict=True):
        scores = scores + best + 1e-6
        if new.any():
            ids = np.concatenate([ids, more_ids[new]])
            scores = np.concatenate([scores, more_scores[new]])
            order = np.argsort(ids, kind="stable")
            ids, scores = ids[order], scores[order]
        out.append((ids, scores))
    return out


def add(result: Result, more: Result) -> Result:
    """`result` with the scores of its documents in `more` added (the others kept)."""
    out = []
    for (ids, scores), (more_ids, more_scores) in zip(result, more, strict=True):
        if len(ids) and len(more_ids):
            _, a, b = _common(ids, more_ids)
            scores = scores.copy()
            scores[a] += more_scores[b]
        out.append((ids, scores))
    return out


def total(result: Result) -> int:
    """How many documents matched."""
    return sum(len(ids) for ids, _ in result)


def facet_counts(ctx: Context, result: Result) -> dict[str, list[tuple[str, int]]]:
    """Per facet field, (value, documents among `result`), most frequent first."""
    counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    for (ids, _), (_, _, arrays, _) in zip(result, ctx.leaves, strict=True):
        values, docs, codes = arrays.facets
        if not len(ids) or not len(docs):
            continue
        mask = np.zeros(arrays.size, dtype=bool)
        mask[ids] = True
        found = np.bincount(codes[mask[docs]], minlength=len(values))
        for code in found.nonzero()[0].tolist():
            name, value = values[code]
            tally = counts[name]
            tally[value] = tally.get(value, 0) + int(found[code])
    return {
        name: sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))
        for name, tally in counts.items()
    }


def top(ctx: Context, result: Result, k: int) -> list[tuple[int, float]]:
    """The best `k` (global document number, score): highest score, then lowest number."""
    if not result or k <= 0:
        return []
    if len(result) == 1:  # one segment (or one that can find anything): nothing to join
        docs, scores = result[0][0] + ctx.leaves[0][1], result[0][1]
    else:
        docs = np.concatenate([ids + ctx.leaves[i][1] for i, (ids, _) in enumerate(result)])
        scores = np.concatenate([scores for _, scores in result])
    if not len(docs):
        return []
    neg = -scores
    if len(docs) > k:
        kth = np.partition(neg, k - 1)[k - 1]
        chosen = np.flatnonzero(neg <= kth)  # every tie at the cut, ordered below
    else:
        chosen = np.arange(len(docs))
    order = chosen[np.lexsort((docs[chosen], neg[chosen]))][:k]
    return list(zip(docs[order].tolist(), scores[order].tolist(), strict=True))
