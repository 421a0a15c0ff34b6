"""The record a member means is in the first ten results, in English, Russian and Korean."""

import pytest

from kb.search import search
from tests.relevance_cases import CASES, MORE, TYPOS


def _top10(query: str, lang: str = "en") -> list[str]:
    return [f"{hit.type}/{hit.slug}" for hit in search(query, per_page=10, lang=lang).items]


@pytest.mark.parametrize("lang", CASES)
def test_at_least_twenty_queries_per_language(lang):
    assert len(CASES[lang]) >= 20


@pytest.mark.parametrize(
    ("lang", "query", "expected"),
    [(lang, q, e) for lang, cases in CASES.items() for q, e in cases],
)
def test_the_intended_record_is_in_the_top_ten(seeded_app, lang, query, expected):
    with seeded_app.app_context():
        assert expected in _top10(query, lang), query


@pytest.mark.parametrize(("query", "word", "expected"), TYPOS)
def test_a_typo_gets_a_suggestion_that_finds_the_record(seeded_app, query, word, expected):
    with seeded_app.app_context():
        results = search(query)
        assert results.suggestion and word in results.suggestion.lower(), results.suggestion
        assert expected in _top10(results.suggestion)


def test_a_query_in_one_language_finds_records_written_in_another(seeded_app):
    with seeded_app.app_context():
        # Russian words, an English reader: the record and a snippet where the words are.
        hit = next(h for h in search("соколиная охота", lang="en").items if h.slug == "falconry")
        assert hit.snippet_lang == "ru" and "<mark>" in hit.snippet


def test_names_outrank_passing_mentions(seeded_app):
    with seeded_app.app_context():
        assert _top10("falconry")[0] == "elements/falconry"
        assert _top10("Naadam")[0] in ("festivals/naadam", "elements/naadam")


#: Floors a little under the held-out figures measured with bench/relevance.py (README,
#: "Search"), so a change that loses relevance fails here. Never raise a floor by tuning
#: on the held-out queries; raise it after a general improvement, to the new figure
#: less a margin.
HELDOUT_FLOORS = {"en": 0.97, "ru": 0.93, "ko": 0.93}


def test_the_held_out_set_stays_above_its_floors(seeded_app):
    from tests.relevance_heldout import HELDOUT

    shares: dict[str, list[float]] = {lang: [] for lang in HELDOUT_FLOORS}
    with seeded_app.app_context():
        for case in HELDOUT:
            found = set(_top10(case["query"], case["lang"]))
            shares[case["lang"]].append(len(found & set(case["expected"])) / len(case["expected"]))
    figures = {lang: sum(v) / len(v) for lang, v in shares.items()}
    assert all(figures[lang] >= floor for lang, floor in HELDOUT_FLOORS.items()), figures


@pytest.mark.parametrize(("lang", "kind", "query", "expected"), MORE)
def test_every_record_meant_is_in_the_top_ten(seeded_app, lang, kind, query, expected):
    with seeded_app.app_context():
        found = _top10(query, lang)
        assert set(expected.split()) <= set(found), (kind, query, found)
