"""The one door to Whoosh's internals (kb/search/adapter.py): it refuses a Whoosh or an
index it was not written for, and each of its fallbacks (Whoosh's public API, for
structures of another layout) answers as Whoosh's own searcher does."""

import math

import pytest
import whoosh
import whoosh.index
from whoosh import query as wq
from whoosh.index import TOC

from kb import create_app
from kb.search import adapter
from kb.search.adapter import WhooshMismatch
from kb.search.engine import run
from kb.search.evaluate import Context, evaluate, top
from kb.search.schema import index_fields, make_schema
from kb.search.store import Holder
from tests.test_search_oracle import FILTERS, build_split_index, compare


@pytest.fixture(scope="module")
def split_index(seeded_app, tmp_path_factory):
    holder = build_split_index(seeded_app, tmp_path_factory.mktemp("split-index"))
    yield holder
    holder.close()


FALLBACK_QUERIES = ["Navruz", "фестивале Сори", "판소리 축제", '"silk roads"', "fest*", "kimchi"]


def test_another_whoosh_release_is_refused_at_start(monkeypatch, tmp_path):
    monkeypatch.setattr(whoosh, "__version__", (2, 7, 6))
    with pytest.raises(WhooshMismatch, match=r"Whoosh 2\.7\.5's internals but Whoosh 2\.7\.6"):
        create_app(
            {"TESTING": True, "INSTANCE_PATH": str(tmp_path), "INDEX_DIR": str(tmp_path / "index")}
        )


def test_the_pinned_release_passes():
    adapter.check_library()  # the installed one is the one the lock pins


def test_an_index_of_another_format_is_refused_clearly(monkeypatch, tmp_path):
    holder = Holder(tmp_path)
    name = holder.dir.ensure()
    ix = holder.dir.open(name)
    toc = TOC(ix.schema, [], 1)
    monkeypatch.setattr(whoosh.index, "_CURRENT_TOC_VERSION", -110)  # another Whoosh wrote it
    toc.write(ix.storage, ix.indexname)
    monkeypatch.undo()
    with pytest.raises(WhooshMismatch, match="format -110.*kb search reindex"):
        holder.dir.open(name)
    with pytest.raises(WhooshMismatch), holder.searcher():
        pass


def test_segments_of_another_codec_are_refused(monkeypatch, split_index):
    monkeypatch.setattr(adapter, "W3Segment", type("OtherSegment", (), {}))
    with pytest.raises(WhooshMismatch, match="segments W3Segment"):
        adapter.check_index(split_index.ix)


@pytest.fixture
def fresh_cache(split_index):
    """Per-segment arrays computed again under the test's patches, and dropped after."""
    split_index.segment_cache.clear()
    yield split_index
    split_index.segment_cache.clear()


@pytest.mark.parametrize("text", FALLBACK_QUERIES)
@pytest.mark.parametrize("filters", FILTERS[:3], ids=str)
def test_postings_of_another_layout_are_read_through_whooshs_matcher(
    monkeypatch, fresh_cache, text, filters
):
    calls = []
    public = adapter.SegmentReader.postings

    def spy(self, *args, **kwargs):
        calls.append(args)
        return public(self, *args, **kwargs)

    monkeypatch.setattr(adapter, "_block_matcher", lambda *args: None)
    monkeypatch.setattr(adapter.SegmentReader, "postings", spy)
    compare(fresh_cache, text, filters)
    assert calls  # the fallback ran


@pytest.mark.parametrize("text", FALLBACK_QUERIES)
def test_lengths_of_another_layout_are_read_per_document(monkeypatch, fresh_cache, text):
    monkeypatch.setattr(adapter, "_length_column", lambda *args: None)
    compare(fresh_cache, text, None)
    # and the lengths are those the fast path reads
    with fresh_cache.searcher() as searcher:
        for reader, _ in adapter.leaf_readers(searcher):
            slow = adapter.field_lengths(reader, "text", reader.doc_count_all())
            monkeypatch.undo()
            fast = adapter.field_lengths(reader, "text", reader.doc_count_all())
            assert slow.tolist() == fast.tolist()
            assert fast.any()


@pytest.mark.parametrize(
    "q",
    [
        wq.Wildcard("text", "fest?v*"),
        wq.FuzzyTerm("text", "navruz", maxdist=1),
        wq.And([wq.Term("text", "festiv"), wq.Not(wq.Term("type", "festivals"))]),
    ],
    ids=str,
)
def test_queries_the_arrays_do_not_handle_are_run_by_whooshs_matchers(split_index, q):
    with split_index.searcher() as searcher:
        ctx = Context(searcher, split_index.segment_cache)
        ours = dict(top(ctx, evaluate(ctx, q), 10**6))
        theirs = {hit.docnum: hit.score for hit in searcher.search(q, limit=None)}
        assert ours and set(ours) == set(theirs)
        for doc, score in theirs.items():
            assert math.isclose(ours[doc], score, rel_tol=1e-6), doc


def test_an_index_built_before_a_field_existed_gets_it_and_keeps_serving(tmp_path):
    old = make_schema()
    old.remove("names")
    holder = Holder(tmp_path)
    name, ix = holder.dir.new_generation()
    ix.storage.create_index(old)  # the generation as an earlier release built it
    holder.dir.swap(name)
    reopened = holder.dir.open(name)
    assert "names" in reopened.schema
    doc = {"key": "elements:1", "type": "elements", "slug": "x", "name": {"en": "Kok boru"}}
    writer = reopened.writer()
    writer.add_document(**index_fields(doc))  # an update after the upgrade: no error
    writer.commit(merge=False)
    assert [h.slug for h in run(holder, "kokboru").items] == ["x"]
