"""kb.search.evaluate answers exactly as Whoosh's own searcher does, on the seed's index.

The array evaluation reads Whoosh's index through some of its private structures (the
version is pinned); this test is the guard: for every query of the relevance set, and
for phrases, prefixes, relaxed queries and filters, the documents found are Whoosh's,
and so are their scores, except for prefixes, where Whoosh scores every match alike and
we rank by BM25F.
"""

import math

import pytest
from whoosh import query as wq  # the oracle: the engine we replace, on the same index

from kb.search import holder
from kb.search.evaluate import Context, evaluate, top
from kb.search.query import build, filter_query, parse
from tests.relevance_cases import CASES

EXTRA = [
    '"silk roads"',
    '"실크로드 무형유산"',
    '"Шёлковых путей"',
    "fest*",
    "판소*",
    "фестивал*",
    "Navruz Naadam pansori",  # no record has all three: the relaxed OR applies
    "",
]
FILTERS = [None, {"type": "element"}, {"country": "UZ", "type": "festival"}, {"lang": "ko"}]


def _has_prefix(q) -> bool:
    leaves = [q] if q.is_leaf() else list(q.leaves())
    return any(isinstance(leaf, wq.Prefix) for leaf in leaves)


@pytest.mark.parametrize(
    "text", sorted({q for cases in CASES.values() for q, _ in cases} | set(EXTRA))
)
@pytest.mark.parametrize("filters", FILTERS, ids=str)
def test_array_evaluation_finds_and_scores_as_whoosh_does(seeded_app, text, filters):
    with seeded_app.app_context():
        index = holder()
        with index.searcher() as searcher:
            parts = parse(text)
            q = build(parts, searcher.schema["text"].analyzer, relax=len(parts) > 1)
            fq = filter_query(filters or {})
            if q is None and fq is None:
                return
            q = wq.And([q, fq]) if q is not None and fq is not None else (q or fq)
            ctx = Context(searcher, index.segment_cache)
            ours = dict(top(ctx, evaluate(ctx, q), 10**6))
            theirs = {hit.docnum: hit.score for hit in searcher.search(q, limit=None)}
            assert set(ours) == set(theirs), text
            if not _has_prefix(q) and fq is None:
                for doc, score in theirs.items():
                    assert math.isclose(ours[doc], score, rel_tol=1e-6), (text, doc)
