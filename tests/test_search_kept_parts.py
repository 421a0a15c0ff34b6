"""What search keeps per process whatever the query (kb/search/highlight.py `prepared`,
kb/search/engine.py `_stored`): a new query's snippets are those of the text as it is
now, and a changed record is shown changed."""

from __future__ import annotations

import pytest

from kb.extensions import db
from kb.search import highlight, reindex
from kb.search.analysis import ScriptTokenizer
from kb.search.highlight import _spans_of_tokens, asked_words, prepared, snippet
from tests.factories import create_element
from tests.workerkit import run_worker_once

TEXTS = [
    "Nowruz marks the New Year and the beginning of spring across Central Asia.",
    "Навруз отмечают весной; праздник Навруза — начало нового года. Ёлки и ели.",
    "판소리는 한 명의 소리꾼과 고수가 음악적 이야기를 엮어 가는 장르이다 판소리를",
    "Crème brûlée, Ebru, Türk kahvesi and a café: accents folded as the index folds them.",
]
QUERIES = ["nowruz spring", "навруз год", "판소리 이야기", "kahvesi cafe", "ebr*", "ели"]


def _terms(ana, query: str):
    terms, prefixes = set(), []
    for word in query.split():
        if word.endswith("*"):
            prefixes.append(word[:-1].lower())
        else:
            terms |= {t.text for t in ana(word, mode="query")}
    return frozenset(terms), tuple(prefixes)


@pytest.mark.parametrize("query", QUERIES)
def test_prepared_texts_mark_what_the_analyser_reads(query):
    """Only words that begin as a term or a typed word does are analysed: the marks are
    those of analysing every word (ели, typed, is a form of есть)."""
    ana = ScriptTokenizer()
    terms, prefixes = _terms(ana, query)
    asked = asked_words(query)
    for text in TEXTS * 2:  # the second time from the kept form
        assert highlight._spans_of(prepared(text, ana), terms, prefixes, asked) == _spans_of_tokens(
            text, terms, prefixes, ana
        ), (text, query)


def test_an_irregular_form_typed_as_it_stands_is_marked():
    ana = ScriptTokenizer()
    text = TEXTS[1]
    terms, prefixes = _terms(ana, "ели")
    assert terms == {"есть"}  # the lemma begins otherwise than the word
    marked = snippet(text, terms, prefixes, ana, asked=asked_words("ели"))
    assert marked is not None and "<mark>ели</mark>" in marked


def test_a_kept_text_is_marked_anew_for_each_query():
    ana = ScriptTokenizer()
    text = TEXTS[0]
    first = snippet(text, *_terms(ana, "spring"), ana)
    second = snippet(text, *_terms(ana, "year"), ana)
    assert "<mark>spring</mark>" in first and first.count("<mark>") == 1
    assert "<mark>Year</mark>" in second and "<mark>spring</mark>" not in second
    assert snippet(text, *_terms(ana, "falconry"), ana) is None


def test_texts_kept_are_bounded(monkeypatch):
    monkeypatch.setattr(highlight, "PREPARED_CHARS", 400)
    monkeypatch.setattr(highlight, "_prepared", type(highlight._prepared)())
    monkeypatch.setattr(highlight, "_prepared_chars", 0)
    ana = ScriptTokenizer()
    for n in range(50):
        prepared(f"text number {n} " * 3, ana)
    assert highlight._prepared_chars <= 400
    assert 0 < len(highlight._prepared) < 50


def test_a_renamed_record_is_found_under_its_new_name_and_text(app, client):
    element = create_element(
        slug="lullaby", name={"en": "Lullaby"}, summary={"en": "A lullaby of the steppe."}
    )
    run_worker_once()
    for _ in range(2):  # the second from what the searcher keeps
        page = client.get("/en/search?q=lullaby").text
        assert "Lullaby" in page and "<mark>lullaby</mark> of the steppe" in page
        assert client.get("/api/v1/search?q=steppe").json["items"][0]["name"]["en"] == "Lullaby"
    element.name = {"en": "Cradle song"}
    element.summary = {"en": "A cradle song of the mountains."}
    db.session.commit()
    run_worker_once()
    page = client.get("/en/search?q=cradle&n=1").text
    assert "Cradle song" in page and "<mark>cradle</mark> song of the mountains" in page.lower()
    assert "Lullaby" not in page
    items = client.get("/api/v1/search?q=mountains").json["items"]
    assert [i["name"]["en"] for i in items] == ["Cradle song"]
    assert "<mark>mountains</mark>" in items[0]["snippet"]


def test_records_kept_by_number_are_never_shown_for_another_index(app, client):
    # A rebuilt index numbers its records anew: what one searcher kept under a number
    # is another record in the next.
    first = create_element(slug="first", name={"en": "First lullaby"})
    create_element(slug="second", name={"en": "Second lullaby"})
    run_worker_once()
    api = client.get("/api/v1/search?q=lullaby").json["items"]
    assert sorted(i["slug"] for i in api) == ["first", "second"]
    db.session.delete(first)
    db.session.commit()
    reindex()
    for q in ("lullaby", "second lullaby"):
        items = client.get(f"/api/v1/search?q={q}").json["items"]
        assert [(i["slug"], i["name"]["en"]) for i in items] == [("second", "Second lullaby")]


@pytest.mark.parametrize("lang", ["en", "ru", "ko"])
def test_a_hits_name_reads_as_the_t_macro_writes_it(seeded_app, lang):
    from kb.views.search import name_html

    names = [
        {"en": "Nowruz", "ru": "Навруз", "ko": "노루즈"},
        {"en": "Only in English"},
        {"ru": "Только по-русски"},
        {"fa": "نوروز"},
        {"und": 'Name & <b>bold</b> "quoted"'},
        {},
        None,
    ]
    with seeded_app.test_request_context(f"/{lang}/search"):
        seeded_app.preprocess_request()
        macro = seeded_app.jinja_env.get_template("_macros.html").module.t
        for value in names:
            assert str(name_html(value)) == str(macro(value)), value
        assert 'class="fallback"' in str(name_html(names[3]))
