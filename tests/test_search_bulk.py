"""The bulk index builder writes what Whoosh's own writer writes, in one or more processes."""

from kb.search import analysis, bulk
from kb.search.schema import index_fields
from kb.search.store import IndexDir

WORDS = {
    "en": [
        "silk",
        "road",
        "weaving",
        "festival",
        "songs",
        "of",
        "the",
        "steppe",
        "carpet",
        "felt",
        "yurt",
        "falconry",
    ],
    "ru": [
        "шёлковый",
        "путь",
        "фестиваль",
        "песни",
        "степи",
        "ковры",
        "войлок",
        "юрта",
        "соколиная",
        "охота",
    ],
    "ko": [
        "실크로드의",
        "판소리",
        "축제",
        "직조",
        "노래",
        "초원",
        "카펫",
        "펠트",
        "유르트",
        "매사냥",
    ],
}


def docs(n: int) -> list[dict]:
    out = []
    for i in range(n):
        lang = list(WORDS)[i % 3]
        words = WORDS[lang]
        text = " ".join(words[(i * k) % len(words)] for k in range(1, 40))
        out.append(
            {
                "key": f"elements:{i}",
                "type": "elements",
                "slug": f"e-{i}",
                "name": {lang: " ".join(words[i % 5 : i % 5 + 2])},
                "alt": [f"alt{i}"],
                "places": ["Samarkand"],
                "summary": {lang: text[:80]},
                "body": {lang: [text, text[::-1]]},
                "facets": {"country": ["UZ", "KZ"][: 1 + i % 2], "year": [2000 + i % 7]},
            }
        )
    return out


def contents(ix) -> tuple:
    reader = ix.reader()
    postings = {}
    for (field, text), _ in reader:
        m = reader.postings(field, text)
        found = []
        while m.is_active():
            found.append((reader.stored_fields(m.id())["key"], m.weight(), m.value()))
            m.next()
        postings[(field, text)] = sorted(found)
    stored = sorted(
        (f["key"], repr(f), reader.doc_field_length(n, "text"))
        for n, f in enumerate(reader.all_stored_fields())
    )
    result = postings, stored, reader.field_length("text")
    reader.close()
    return result


def whoosh_built(tmp_path, items):
    _, ix = IndexDir(tmp_path / "whoosh").new_generation()
    with ix.writer() as writer:
        for doc in items:
            writer.add_document(**index_fields(doc))
    return ix


def test_one_process_writes_the_same_index_as_whoosh(tmp_path):
    items = docs(120)
    _, ix = IndexDir(tmp_path / "bulk").new_generation()
    assert bulk.build(ix, iter(items)) == 120
    assert contents(ix) == contents(whoosh_built(tmp_path, items))


def test_several_processes_and_a_small_budget_give_the_same_documents(tmp_path, monkeypatch):
    monkeypatch.setattr(bulk, "BATCH", 7)
    monkeypatch.setattr(bulk, "POSTING_BYTES", 2**20 // 100)  # 1 MiB holds 100 postings
    items = docs(90)
    _, ix = IndexDir(tmp_path / "bulk").new_generation()
    assert bulk.build(ix, iter(items), procs=2, limitmb=1) == 90
    assert len(ix._segments()) > 2  # each process finished segments as its budget filled
    assert contents(ix) == contents(whoosh_built(tmp_path, items))


def test_a_build_keeps_the_vocabulary_and_serving_keeps_fewer_words(tmp_path, monkeypatch):
    # Serving (queries, snippets) keeps SERVING_WORDS analysed words; a build keeps many
    # more while it runs, and lets them go when it ends.
    monkeypatch.setattr(analysis, "SERVING_WORDS", 20)
    monkeypatch.setattr(analysis, "_words_kept", 20)
    monkeypatch.setattr(analysis, "_UNITS", {})
    monkeypatch.setattr(analysis, "_SPELL", {})
    tokenizer = analysis.ScriptTokenizer()
    seen = []
    _, ix = IndexDir(tmp_path / "bulk").new_generation()
    building = bulk.BulkWriter.add_document

    def add_document(writer, **fields):
        building(writer, **fields)
        seen.append(len(tokenizer.unit_cache()))

    monkeypatch.setattr(bulk.BulkWriter, "add_document", add_document)
    bulk.build(ix, iter(docs(60)))
    assert max(seen) > 20  # the build kept its vocabulary
    assert len(tokenizer.unit_cache()) <= 20 and len(analysis._SPELL) <= 20
    for i in range(100):
        tokenizer.units(f"word{i}")
        assert len(tokenizer.unit_cache()) <= 20


def test_a_full_word_cache_keeps_the_words_met_first(monkeypatch):
    # Serving cuts a full word cache to the words put in first (under Zipf's law the
    # frequent ones), instead of emptying it: those are not analysed again.
    monkeypatch.setattr(analysis, "_words_kept", 20)
    monkeypatch.setattr(analysis, "_UNITS", {})
    monkeypatch.setattr(analysis, "_SHAPES", {})
    monkeypatch.setattr(analysis, "_GRAMS", {})  # a cut remakes it: not the real one
    tokenizer = analysis.ScriptTokenizer()
    first = tokenizer.units("festivals")
    for i in range(100):
        tokenizer.units(f"word{i}")
    assert len(tokenizer.unit_cache()) <= 20
    assert tokenizer.unit_cache()["festivals"] is first
    # Words with the same terms share them, kept or not.
    assert tokenizer.units("festival") is first == (("festiv",),)
    assert tokenizer.units("уйгурские") is tokenizer.units("уйгурский")


def test_threads_filling_a_small_word_cache_never_fail(monkeypatch):
    """Serving threads (KB_WEB_THREADS) share the word cache: cutting it while others add
    words must not raise (a cut once iterated the dictionary across two bytecodes)."""
    import gc
    import sys
    import threading

    monkeypatch.setattr(analysis, "_words_kept", 200)
    monkeypatch.setattr(analysis, "_UNITS", {})
    monkeypatch.setattr(analysis, "_SHAPES", {})
    monkeypatch.setattr(analysis, "_GRAMS", {})
    tokenizer = analysis.ScriptTokenizer()
    errors = []

    class Litter:
        """Garbage whose finalizer runs Python code: a thread may switch wherever the
        collector starts, as in a server where objects with `__del__` are freed."""

        def __del__(self):
            self.freed = [n for n in range(3)]

    def add(k):
        try:
            for i in range(20_000):
                tokenizer.units(f"festival{(i * 7 + k) % 3000}")
                litter = Litter()
                litter.cycle = litter  # freed by the collector, not at once
        except Exception as exc:  # what a request would have answered 500 with
            errors.append(repr(exc))

    interval, thresholds = sys.getswitchinterval(), gc.get_threshold()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    gc.set_threshold(50)  # and collect often
    try:
        threads = [threading.Thread(target=add, args=(k,)) for k in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
        gc.set_threshold(*thresholds)
    assert errors == []
    assert len(tokenizer.unit_cache()) <= 200
