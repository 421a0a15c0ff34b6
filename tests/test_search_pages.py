"""The search page and GET /api/v1/search: shape, filters, facets, pages, hostile input."""

import pytest

from kb.i18n import LANGUAGES

HOSTILE = [
    '"unbalanced quote',
    "name:pansori OR (title:x AND",
    "x" * 2000,
    "юрты\x00\x01\x1f\x7f\u200b",
    "*",
    '""',
    "AND OR NOT",
    "a*",
    "<script>alert(1)</script>",
    "%s %(x)s {0}",
    "\\",
    "판소리" * 400,
]


def test_the_api_answers_items_total_page_facets_and_suggestion(seeded_client):
    body = seeded_client.get("/api/v1/search?q=Navruz").get_json()
    assert set(body) == {
        "items",
        "total",
        "page",
        "per_page",
        "facets",
        "suggestion",
        "suggested_filters",
    }
    first = body["items"][0]
    assert {"type", "slug", "name", "snippet", "url"} <= set(first)
    assert all(first["name"].get(lang) for lang in LANGUAGES)
    assert seeded_client.get(first["url"]).status_code == 200
    assert set(body["facets"]) == {"type", "country", "domain", "list", "year", "lang"}
    counts = {f["value"]: f["count"] for f in body["facets"]["type"]}
    assert sum(counts.values()) == body["total"]


def test_filters_narrow_and_facets_count_what_is_left(seeded_client):
    body = seeded_client.get("/api/v1/search?q=festival&type=elements&per_page=100").get_json()
    assert body["total"] and {i["type"] for i in body["items"]} == {"elements"}
    kg = seeded_client.get("/api/v1/search?q=epic&country=kg").get_json()
    everywhere = seeded_client.get("/api/v1/search?q=epic").get_json()
    assert 0 < kg["total"] < everywhere["total"]
    assert {"value": "KG", "count": kg["total"]} in everywhere["facets"]["country"]
    usl = seeded_client.get("/api/v1/search?list=urgent-safeguarding&per_page=100").get_json()
    assert usl["total"] and "mongolian-calligraphy" in [i["slug"] for i in usl["items"]]
    year = seeded_client.get("/api/v1/search?q=pansori&year=2008&type=elements")
    assert [i["slug"] for i in year.get_json()["items"]] == ["pansori-epic-chant"]
    crafts = seeded_client.get("/api/v1/search?q=yurt&domain=craftsmanship").get_json()
    assert "kyrgyz-kazakh-yurts" in [i["slug"] for i in crafts["items"]]
    ru = seeded_client.get("/api/v1/search?language=fa&per_page=100").get_json()
    assert "nowruz" in [i["slug"] for i in ru["items"]]


def test_pages_of_results_do_not_overlap(seeded_client):
    one = seeded_client.get("/api/v1/search?q=silk&per_page=3&page=1").get_json()
    two = seeded_client.get("/api/v1/search?q=silk&per_page=3&page=2").get_json()
    assert one["total"] == two["total"] > 6 and len(two["items"]) == 3
    assert not {i["slug"] for i in one["items"]} & {i["slug"] for i in two["items"]}


def test_a_typo_gets_a_suggestion_in_the_api(seeded_client):
    # A misspelt name finds its record (tolerant matching) and says how it is spelt.
    body = seeded_client.get("/api/v1/search?q=falcnory").get_json()
    assert body["suggestion"] == "falconry"
    assert body["items"][0]["slug"] == "falconry"


def test_a_hangul_typo_gets_a_suggestion_in_the_api(seeded_client):
    body = seeded_client.get("/api/v1/search?q=노브루즈").get_json()
    assert body["suggestion"] == "노루즈"


def test_invalid_filters_are_refused_with_the_field_named(seeded_client):
    response = seeded_client.get("/api/v1/search?q=x&type=people&per_page=0")
    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == {"type", "per_page"}
    assert seeded_client.get("/en/search?q=x&year=abc").status_code == 400


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_raise(seeded_client, query):
    response = seeded_client.get("/api/v1/search", query_string={"q": query})
    if any(ord(c) < 32 or ord(c) == 127 for c in query):
        # Control characters are refused at the edge (kb/edge.py), naming the argument.
        assert response.status_code == 400
        assert "q" in response.get_json()["error"]["fields"]
        page = seeded_client.get("/ru/search", query_string={"q": query})
        assert page.status_code == 400
        return
    assert response.status_code == 200
    assert "<script>" not in response.get_data(as_text=True)
    page = seeded_client.get("/ru/search", query_string={"q": query})
    assert page.status_code == 200 and "<script>alert" not in page.text


def test_the_page_shows_marked_snippets_facets_and_links(seeded_client):
    html = seeded_client.get("/ru/search?q=юрты").text
    assert 'href="/ru/elements/kyrgyz-kazakh-yurts"' in html
    assert "<mark>юрт" in html
    assert '<details class="facets"' in html and "?q=" in html


def _facet(html: str, heading: str) -> list[str]:
    """The option labels of one facet box of the search page, in order."""
    import re

    box = html.split(f'<h3 class="facet-heading">{heading}</h3>')[1].split("</ul>")[0]
    return re.findall(r"<li><a href=\"[^\"]*\"[^>]*><span>([^<]*)</span>", box)


def test_the_year_facet_lists_years_in_year_order_newest_first(seeded_client):
    years = _facet(seeded_client.get("/en/search?q=festival").text, "Year")
    assert len(years) > 3 and years == sorted(years, reverse=True)


def test_the_language_facet_offers_only_community_languages(seeded_client):
    html = seeded_client.get("/en/search?q=festival").text
    names = _facet(html, "Name in a community language")
    assert "Uzbek" in names
    assert not {"English", "Russian", "Korean"} & set(names)  # every record has those


def test_the_search_page_has_one_search_box(seeded_client):
    html = seeded_client.get("/en/search?q=festival").text
    assert html.count('role="search"') == 1 and html.count('name="q"') == 1
    assert 'id="search-q"' in html


def test_the_page_suggests_and_helps_when_nothing_is_found(seeded_client):
    # A misspelt word in no record: read as the word it is nearest to, and the page
    # says how that is spelt.
    html = seeded_client.get("/en/search?q=inscribd").text
    assert 'href="/en/search?q=inscribed"' in html and 'class="empty"' not in html
    # Nothing of that type has it: nothing found, and still how it is spelt.
    html = seeded_client.get("/en/search?q=inscribd&type=countries").text
    assert "/en/search?q=inscribed" in html
    assert 'class="empty"' in html
    start = seeded_client.get("/ko/search").text
    assert 'id="search-q"' in start and "/ko/search?q=" in start  # examples to try


def test_a_suggested_spelling_leaves_the_filters_the_query_names_as_they_are(seeded_client):
    # The "did you mean" link once took the name of the suggested filters: a page with
    # a suggestion showed an empty "Show only:" link instead of the filters.
    html = seeded_client.get("/en/search?q=festivls+of+uzbekistan").text
    assert 'href="/en/search?q=festivals+of+uzbekistan"' in html
    shown = html.split('<p class="suggested-filters">')[1].split("</p>")[0]
    assert "type=festivals&amp;country=UZ" in shown and "Festivals · Uzbekistan" in shown
    assert '<a href=""></a>' not in html


@pytest.mark.parametrize("url", ["/en/", "/ru/elements/", "/ko/festivals/naadam", "/en/nowhere"])
def test_every_other_page_has_the_search_box(seeded_client, url):
    html = seeded_client.get(url).text
    assert 'role="search"' in html and 'name="q"' in html


def test_the_openapi_document_describes_search(seeded_client):
    spec = seeded_client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/search"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"q", "type", "country", "domain", "list", "year", "page", "per_page"} <= names
    answer = spec["components"]["schemas"]["SearchResults"]["properties"]
    assert {"items", "total", "page", "per_page", "facets", "suggestion"} <= set(answer)


def test_arguments_named_like_url_fors_own_stay_query_arguments(seeded_client):
    # `endpoint` once made the page a 500 (url_for's own parameter); `lang` moved the
    # facet links to another language's page.
    response = seeded_client.get("/en/search?q=festival&endpoint=x&lang=ru&_external=1")
    assert response.status_code == 200
    links = [a for a in response.text.split('href="')[1:] if a.startswith("/en/search?")]
    facet_links = [a.split('"')[0] for a in links if "type=" in a.split('"')[0]]
    assert facet_links
    assert all("endpoint=x" in a and "lang=ru" in a for a in facet_links)
