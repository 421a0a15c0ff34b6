"""Every page a reader can reach, in English, Russian and Korean."""

import re
from datetime import date

import pytest
import sqlalchemy as sa

from kb.catalog import RECORD_TYPES
from kb.extensions import db
from kb.i18n import LANGUAGES
from tests import cldr
from tests.factories import create_element


def _all_slugs(app):
    with app.app_context():
        out = []
        for rt in RECORD_TYPES:
            if rt.name == "countries":
                out += [(rt.name, c.slug) for c in db.session.scalars(sa.select(rt.model))]
            else:
                out += [(rt.name, slug) for slug in db.session.scalars(sa.select(rt.model.slug))]
        return out


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_list_and_record_page_answers_in_its_language(seeded_app, seeded_client, lang):
    pages = [f"/{lang}/"] + [f"/{lang}/{rt.name}/" for rt in RECORD_TYPES]
    pages += [f"/{lang}/{collection}/{slug}" for collection, slug in _all_slugs(seeded_app)]
    assert len(pages) > 100
    for url in pages:
        response = seeded_client.get(url)
        assert response.status_code == 200, url
        assert f'<html lang="{lang}">' in response.text, url


@pytest.mark.parametrize(
    ("header", "target"),
    [
        ("ru-RU,ru;q=0.9,en;q=0.8", "/ru/"),
        ("ko-KR,ko;q=0.9", "/ko/"),
        ("fr-FR,fr", "/en/"),
        ("", "/en/"),
    ],
)
def test_root_sends_readers_to_the_language_their_browser_prefers(seeded_client, header, target):
    response = seeded_client.get("/", headers={"Accept-Language": header})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(target)


def test_language_switcher_keeps_the_reader_on_the_same_record_and_filters(seeded_client):
    html = seeded_client.get("/ru/elements/?country=KZ").text
    assert 'href="/ko/elements/?country=KZ"' in html
    html = seeded_client.get("/ru/festivals/world-nomad-games").text
    assert 'href="/ko/festivals/world-nomad-games" lang="ko"' in html
    assert 'href="/en/festivals/world-nomad-games" lang="en"' in html


def test_text_missing_in_the_readers_language_is_shown_in_another_and_labelled(client):
    create_element(
        slug="only-english", name={"en": "Only in English"}, summary={"en": "An English summary."}
    )
    html = client.get("/ko/elements/only-english").text
    assert '<span lang="en">Only in English</span>' in html
    label = re.search(r'<span class="fallback" title="[^"]*">([^<]+)</span>', html)
    assert label and label.group(1) == "영어"  # "English", in Korean
    html = client.get("/en/elements/only-english").text
    assert 'class="fallback"' not in html


def test_unknown_records_and_languages_get_a_translated_404(seeded_client):
    response = seeded_client.get("/ko/festivals/no-such-festival")
    assert response.status_code == 404 and '<html lang="ko">' in response.text
    response = seeded_client.get("/fr/festivals/", headers={"Accept-Language": "ru"})
    assert response.status_code == 404 and '<html lang="ru">' in response.text


def test_lists_narrow_by_country_domain_list_and_year(seeded_client):
    html = seeded_client.get("/en/elements/?country=MN&list=urgent-safeguarding").text
    assert "Mongolian calligraphy" in html and "Naadam" not in html
    html = seeded_client.get("/en/elements/?domain=craftsmanship").text
    assert "yurts" in html and "Pansori" not in html
    html = seeded_client.get("/en/elements/?year=2008&country=KR").text
    assert "Pansori" in html and "Arirang" not in html
    html = seeded_client.get("/en/festivals/?year=2019").text
    assert "International Handicrafters Festival" in html and "Naadam" not in html


def test_an_invalid_filter_is_refused_with_a_message(seeded_client):
    response = seeded_client.get("/en/elements/?domain=cooking")
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.text


def test_lists_are_paginated(seeded_client):
    first = seeded_client.get("/en/elements/?per_page=10").text
    second = seeded_client.get("/en/elements/?per_page=10&page=2").text
    assert 'rel="next"' in first and 'rel="prev"' in second
    names = lambda html: set(re.findall(r'href="/en/elements/([a-z0-9-]+)"', html))  # noqa: E731
    assert names(first) and not names(first) & names(second)


def test_record_pages_show_links_in_both_directions_and_sources(seeded_client):
    festival = seeded_client.get("/en/festivals/jeonju-international-sori-festival").text
    assert 'href="/en/elements/pansori-epic-chant"' in festival
    assert "https://" in festival.split('id="sources-h"')[1]
    element = seeded_client.get("/en/elements/pansori-epic-chant").text
    assert 'href="/en/festivals/jeonju-international-sori-festival"' in element
    org = seeded_client.get("/en/organizations/ichcap").text
    assert 'href="/en/events/2020-silk-roads-ich-webinar"' in org
    country = seeded_client.get("/en/countries/kr").text
    assert 'href="/en/elements/pansori-epic-chant"' in country


def test_dates_are_formatted_for_the_locale(seeded_client):
    def page(lang, url="/events/2020-silk-roads-ich-webinar"):
        return cldr.plain(seeded_client.get(f"/{lang}{url}").text)

    # Two days with the same hours, written as one range the locale's way.
    for lang in ("en", "ru", "ko"):
        days = cldr.date_range(date(2020, 11, 18), date(2020, 11, 19), lang)
        assert days in page(lang) and "13:00–17:30" in page(lang)
    # The parts a reader relies on: the month's name in their language, and the year.
    assert "ноября 2020" in page("ru") and "2020년 11월 18일" in page("ko")
    festival = page("ru", "/festivals/international-handicrafters-festival")
    assert cldr.date_range(date(2019, 9, 10), date(2019, 9, 15), "ru") in festival
    assert cldr.month(9, "ru", "abbreviated").rstrip(".") in festival and "2019" in festival


def test_a_server_error_gets_a_page_for_people_and_json_for_the_api(app, client, monkeypatch):
    from kb.views import pages

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    monkeypatch.setattr(pages.facets, "counts", broken)
    response = client.get("/ru/")
    assert response.status_code == 500 and '<html lang="ru">' in response.text
    assert "the database went away" not in response.text

    from kb.api import read

    monkeypatch.setattr(read, "list_records", broken)
    response = client.get("/api/v1/elements")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_server_error"
