"""kb.search.evaluate answers exactly as Whoosh's own searcher does.

The array evaluation reads Whoosh's index through its private structures (all of them
in kb/search/adapter.py, for one pinned version); this test is the guard. Queries are
composed as production composes them (words, synonyms, names in other spellings). The index is
the seed's, written as production writes it over time: several segments, documents
deleted in each (some written again into a later segment), and the searcher reopened
across those changes (`adapter.reopen`). For every query of the relevance set and for
phrases, prefixes and relaxed queries, under filters applied as production applies
them (`restrict`), the documents found and the facet counts are Whoosh's, and so are
the scores, except for prefixes, where Whoosh scores every match alike and we rank by
BM25F.
"""

import math

import numpy as np
import pytest
from sqlalchemy import select
from whoosh import query as wq  # the oracle: the engine we replace, on the same index
from whoosh import sorting

from kb.extensions import db
from kb.search import adapter
from kb.search.documents import TYPES, document
from kb.search.engine import compose
from kb.search.evaluate import (
    ARRAYS_BYTES,
    EMPTY,
    ENTRY_BYTES,
    SCORED,
    Context,
    Postings,
    PostingsCache,
    evaluate,
    facet_counts,
    restrict,
    top,
)
from kb.search.query import filter_query, parse
from kb.search.schema import FACETS, index_fields
from kb.search.store import Holder
from tests.relevance_cases import CASES

EXTRA = [
    '"silk roads"',
    '"실크로드 무형유산"',
    '"Шёлковых путей"',
    '"intangible cultural heritage"',
    "intangible cultural heritage of Uzbekistan",  # a synonym run: ich, НКН, 무형유산
    "우즈베키스탄의 축제",  # a particle: the better of the word and its stem
    "노브루즈 Uighur Данодже",  # other spellings and scripts, near names
    "festivals of Uzbekistan 2019",  # a type, a country, a year: matched by records
    "fest*",
    "판소*",
    "фестивал*",
    "Navruz Naadam pansori",  # no record has all three: the relaxed OR applies
    "",
]
FILTERS = [
    None,
    {"type": "elements"},
    {"country": "UZ", "type": "festivals"},
    {"lang": "ko"},
    {"year": "2020"},
]
QUERIES = sorted({q for cases in CASES.values() for q, _ in cases} | set(EXTRA))


@pytest.fixture(scope="module")
def split_index(seeded_app, tmp_path_factory):
    holder = build_split_index(seeded_app, tmp_path_factory.mktemp("split-index"))
    yield holder
    holder.close()


def build_split_index(seeded_app, path) -> Holder:
    """The seed's documents in five segments with deletions in each (every document of
    the fourth), and a holder whose searcher was opened before the deletions (so it is
    reopened, not rebuilt)."""
    with seeded_app.app_context():
        docs = [
            doc
            for model in TYPES
            for record in db.session.scalars(select(model).order_by(model.id))
            if (doc := document(record)) is not None
        ]
    holder = Holder(path)
    ix = holder.dir.open(holder.dir.ensure())
    third = len(docs) // 3 + 1
    for start in range(0, len(docs), third):
        writer = ix.writer()
        for doc in docs[start : start + third]:
            writer.add_document(**index_fields(doc))
        writer.commit(merge=False)
    writer = ix.writer()  # a segment whose every document is deleted below
    for doc in docs[::5][:3]:
        writer.add_document(**index_fields(doc))
    writer.commit(merge=False)
    with holder.searcher() as searcher:
        assert len(adapter.leaf_readers(searcher)) == 4
    writer = ix.writer()
    for doc in docs[::5]:
        writer.delete_by_term("key", doc["key"])
    for doc in docs[::10]:  # written again, now in the fourth segment
        writer.add_document(**index_fields(doc))
    writer.commit(merge=False)
    with holder.searcher() as searcher:
        readers = adapter.leaf_readers(searcher)
        assert len(readers) == 5
        assert all(reader.has_deletions() for reader, _ in readers[:4])
        assert readers[3][0].doc_count() == 0 < readers[3][0].doc_count_all()
        assert searcher.doc_count() == len(docs) - len(docs[::5]) + len(docs[::10])
    return holder


def _has_prefix(q) -> bool:
    leaves = [q] if q.is_leaf() else list(q.leaves())
    return any(isinstance(leaf, wq.Prefix) for leaf in leaves)


def _whoosh_facets(results) -> dict:
    out = {}
    for name in FACETS:
        groups = results.groups(name)
        tally = {
            (key.decode() if isinstance(key, bytes) else key): len(docs)
            for key, docs in groups.items()
            if key is not None
        }
        out[name] = sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))
    return out


def reference(searcher, q) -> dict[int, float]:
    """Each document's score for `q`: Whoosh's own for each leaf; And sums where all
    match, Or sums where any does, DisjunctionMax takes the best (Whoosh's matcher for
    it scores max(both children) even where one does not match, so it is not used); a
    term of a facet field (a record's type, country, year) only matches, at no score."""
    if isinstance(q, wq.And | wq.Or | wq.DisjunctionMax):
        subs = [reference(searcher, sub) for sub in q.subqueries]
        if isinstance(q, wq.And):
            docs = set.intersection(*(set(sub) for sub in subs))
        else:
            docs = set().union(*subs)
        combine = max if isinstance(q, wq.DisjunctionMax) else sum
        return {d: combine(sub[d] for sub in subs if d in sub) for d in docs}
    scored = isinstance(q, wq.Term) and q.fieldname in SCORED or not isinstance(q, wq.Term)
    return {hit.docnum: hit.score if scored else 0.0 for hit in searcher.search(q, limit=None)}


def compare(holder, text: str, filters: dict | None, facets: bool = True) -> None:
    """Our evaluation and Whoosh's searcher agree on `text` (as production composes it:
    synonyms, other spellings) under `filters`."""
    with holder.searcher() as searcher:
        parts = parse(text)
        # As production does: postings kept between queries (the split index has
        # deletions, which must be applied to kept postings as to fresh ones).
        ctx = Context(searcher, holder.segment_cache, holder.postings)
        q = compose(ctx, parts, relax=len(parts) > 1)
        fq = filter_query(filters or {})
        if q is None:
            if fq is None:
                return
            q = wq.Every()
        found = evaluate(ctx, q)
        if fq is not None:
            found = restrict(found, evaluate(ctx, fq))
        ours = dict(top(ctx, found, 10**6))
        grouped = [sorting.FieldFacet(name, allow_overlap=True) for name in FACETS]
        results = searcher.search(
            q, filter=fq, limit=None, groupedby=dict(zip(FACETS, grouped, strict=True))
        )
        theirs = {hit.docnum for hit in results}
        assert set(ours) == theirs, (text, filters)
        if not _has_prefix(q) and not isinstance(q, wq.Every):
            expected = reference(searcher, q)
            for doc in theirs:
                assert math.isclose(ours[doc], expected[doc], rel_tol=1e-6), (text, doc)
        if facets:
            counts = facet_counts(ctx, found)
            assert counts == _whoosh_facets(results), (text, filters)
            assert bool(ours) == bool(counts["type"])  # never vacuous where something matched


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("filters", FILTERS, ids=str)
def test_array_evaluation_finds_scores_and_counts_as_whoosh_does(split_index, text, filters):
    compare(split_index, text, filters)


def test_the_split_index_really_deletes(split_index):
    # A record deleted and not written again is found by neither engine.
    with split_index.searcher() as searcher:
        ctx = Context(searcher, split_index.segment_cache)
        assert searcher.doc_count() < searcher.doc_count_all()
        everything = dict(top(ctx, evaluate(ctx, wq.Every()), 10**6))
        assert len(everything) == searcher.doc_count()


def test_kept_postings_stay_within_their_bytes_the_least_recently_used_leaving_first():
    def postings(n: int) -> Postings:
        return Postings(np.arange(n, dtype=np.int64), np.ones(n))

    entry = 100 * 24 + ENTRY_BYTES + ARRAYS_BYTES  # a term of 100 documents, scored
    kept = PostingsCache(max_bytes=entry * 8 + entry // 2)  # eight of them
    for i in range(8):
        kept.put(("seg-a", "text", f"w{i}", False), postings(100))
    assert kept.get(("seg-a", "text", "w0", False)) is not None  # w1 is now the oldest
    kept.put(("seg-b", "text", "w8", False), postings(100))
    assert kept.get(("seg-a", "text", "w1", False)) is None
    assert kept.get(("seg-a", "text", "w0", False)) is not None
    assert kept.bytes <= kept.max_bytes
    kept.put(("seg-b", "text", "huge", False), postings(10_000))  # an eighth of it or more
    assert kept.get(("seg-b", "text", "huge", False)) is None
    kept.drop({"seg-a"})  # merged away
    assert kept.get(("seg-a", "text", "w0", False)) is None
    assert kept.get(("seg-b", "text", "w8", False)) is not None
    assert kept.bytes == entry


def test_kept_postings_count_what_each_term_costs_beyond_its_data():
    # A term absent from a small segment, or in one document of it, costs a key, a slot
    # and arrays: counted by its data alone, 2 MiB held ~3 MiB of them (bench/search.py).
    kept = PostingsCache(max_bytes=100_000)
    for i in range(2000):
        kept.put((f"seg-{i % 50}", "names", f"probe{i}", False), EMPTY)
    assert len(kept._kept) == 100_000 // ENTRY_BYTES
    one = Postings(np.zeros(1, dtype=np.int64), np.ones(1))
    for i in range(2000):
        kept.put((f"seg-{i % 50}", "text", f"once{i}", False), one)
    assert len(kept._kept) == 100_000 // (ENTRY_BYTES + ARRAYS_BYTES + 24)


def test_kept_scores_are_those_of_the_statistics_asked_for(split_index):
    # A kept term's scores are reused only with the idf and average length they were
    # computed with: a commit changes both, and the term must be scored again.
    with split_index.searcher() as searcher:
        ctx = Context(searcher, split_index.segment_cache, PostingsCache(1 << 20))
        i = next(i for i in range(len(ctx.leaves)) if len(ctx.postings(i, "text", "silk").ids))
        p = ctx.postings(i, "text", "silk")
        assert ctx.postings(i, "text", "silk") is p  # kept
        first = ctx.scores(i, 2.0, p)
        assert ctx.scores(i, 2.0, p) is first
        np.testing.assert_allclose(ctx.scores(i, 3.0, p), first * 1.5)
        np.testing.assert_array_equal(first, ctx.bm25(i, 2.0, p.ids, p.weights))
        ctx.avgfl["text"] *= 2  # another commit's average length
        longer = ctx.scores(i, 2.0, p)
        np.testing.assert_array_equal(longer, ctx.bm25(i, 2.0, p.ids, p.weights))
        assert not np.array_equal(longer, first)


def test_membership_and_intersection_by_binary_search_are_numpys():
    from kb.search.evaluate import _common, _found_in

    rng = np.random.default_rng(17)
    for size_a, size_b in [(0, 0), (0, 5), (5, 0), (1, 1), (30, 7), (7, 30), (300, 300)]:
        a = np.unique(rng.integers(0, 400, size_a)).astype(np.int64)
        b = np.unique(rng.integers(0, 400, size_b)).astype(np.int64)
        np.testing.assert_array_equal(_found_in(a, b), np.isin(a, b, assume_unique=True))
        ours = _common(a, b)
        theirs = np.intersect1d(a, b, assume_unique=True, return_indices=True)
        for mine, numpys in zip(ours, theirs, strict=True):
            np.testing.assert_array_equal(mine, numpys)


def test_unions_add_each_documents_scores_in_the_order_numpy_did():
    from kb.search.evaluate import _union

    rng = np.random.default_rng(5)
    for parts in (2, 3, 12):
        arrays = []
        for _ in range(parts):
            ids = np.unique(rng.integers(0, 50, rng.integers(1, 40))).astype(np.int64)
            arrays.append((ids, rng.random(len(ids)) * 10))
        ids = np.concatenate([a for a, _ in arrays])
        scores = np.concatenate([s for _, s in arrays])
        unique, inverse = np.unique(ids, return_inverse=True)
        summed = np.bincount(inverse, weights=scores, minlength=len(unique))
        best = np.zeros(len(unique))
        np.maximum.at(best, inverse, scores)
        for reduce, expected in (("sum", summed), ("max", best)):
            found_ids, found = _union(arrays, reduce)
            np.testing.assert_array_equal(found_ids, unique)
            assert found.tobytes() == expected.tobytes()  # bit for bit, not nearly
