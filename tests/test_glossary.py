"""The glossary: the network's terms in three languages, defined, each linked to its records."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from kb.services import glossary
from kb.terms import load

RECORD_LINK = re.compile(
    r'href="/(?:en|ru|ko)/(?:elements|festivals|organizations|case-studies|events|countries)/'
)


def _sections(html: str) -> dict[str, str]:
    parts = re.split(r'(?=<section class="term" id=")', html)
    return {
        re.match(r'<section class="term" id="([^"]+)"', part).group(1): part
        for part in parts
        if part.startswith('<section class="term"')
    }


@pytest.mark.parametrize("lang", ["en", "ru", "ko"])
def test_every_term_is_there_in_three_languages_with_a_definition_and_records(seeded_client, lang):
    response = seeded_client.get(f"/{lang}/glossary")
    assert response.status_code == 200
    sections = _sections(response.text)
    terms = load()
    assert list(sections) == [term.id for term in terms]
    for term in terms:
        section = sections[term.id]
        for code in ("en", "ru", "ko"):
            assert f'<dd lang="{code}">{term.forms[code]}' in section, (term.id, code)
        assert str(escape(term.definition[lang])) in section
        assert RECORD_LINK.search(section), f"{term.id} links to no record"
        assert f'href="#{term.id}"' in response.text  # the index at the top


def test_a_list_term_links_the_records_on_that_list(seeded_client):
    api = seeded_client.get("/api/v1/glossary/urgent-safeguarding-list").get_json()
    listed = seeded_client.get("/api/v1/elements?list=urgent-safeguarding&per_page=100")
    slugs = {item["slug"] for item in listed.get_json()["items"]}
    assert api["records_total"] == len(slugs) and slugs
    assert {r["slug"] for r in api["records"]} <= slugs
    assert all(r["url"].startswith("/api/v1/elements/") for r in api["records"])


def test_a_term_without_a_filter_finds_the_records_that_use_its_words(seeded_client):
    section = _sections(seeded_client.get("/ru/glossary").text)["living-heritage"]
    # The Silk Roads Living Heritage Network says «живое наследие» in its own name.
    assert 'href="/ru/organizations/srlhn"' in section


def test_a_terms_own_address_leads_to_its_place_on_the_page(seeded_client):
    response = seeded_client.get("/ko/glossary/ich")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/ko/glossary#ich")
    assert seeded_client.get("/ko/glossary/no-such-term").status_code == 404


def test_the_api_gives_every_term_as_one_collection_page(seeded_client):
    body = seeded_client.get("/api/v1/glossary").get_json()
    assert body["total"] == len(load()) == len(body["items"]) and body["page"] == 1
    ich = next(item for item in body["items"] if item["id"] == "ich")
    assert ich["term"] == {
        "en": "intangible cultural heritage",
        "ru": "нематериальное культурное наследие",
        "ko": "무형유산",
    }
    assert set(ich["definition"]) == {"en", "ru", "ko"}
    assert ich["page"]["ru"] == "/ru/glossary#ich" and ich["records_total"] > 0
    missing = seeded_client.get("/api/v1/glossary/no-such-term")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


def test_every_page_links_the_glossary_from_its_footer(seeded_client):
    for url in ("/en/", "/ru/elements/nowruz", "/ko/search?q=축제"):
        footer = seeded_client.get(url).text.split('<footer class="site-footer">')[1]
        lang = url.split("/")[1]
        assert f'href="/{lang}/glossary"' in footer and 'href="/api/v1/glossary"' in footer


@pytest.mark.parametrize(
    ("query", "term_id"),
    [
        ("живого наследия", "living-heritage"),  # an inflected Russian form
        ("무형문화유산을", "ich"),  # the variant our texts avoid, with a particle
        ("ICH", "ich"),
        ("Шёлковые пути", "silk-roads"),
        ("Great Silk Road", None),  # not a form of any term
        ("фестивали в Бухаре", None),  # a term inside a longer query is a search, not a term
    ],
)
def test_a_query_that_names_a_term_finds_its_glossary_entry(seeded_client, query, term_id):
    body = seeded_client.get("/api/v1/glossary", query_string={"q": query}).get_json()
    assert [item["id"] for item in body["items"]] == ([term_id] if term_id else [])
    page = seeded_client.get("/ko/search", query_string={"q": query}).text
    if term_id:
        assert f'href="/ko/glossary#{term_id}"' in page
        assert 'class="glossary-hits"' in page
    else:
        assert 'class="glossary-hits"' not in page


def test_every_name_of_a_term_finds_that_term():
    """Each name is compared only with the names of as many words and the same first
    letter (kb/services/glossary.py `_names_of`): a name itself is always among them."""
    for term in glossary.terms():
        for name in term.names():
            assert term in glossary.matching(name), name
