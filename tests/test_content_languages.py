"""Every seeded record page reads in the reader's language: no text falls back to another."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from kb.catalog import CATALOG
from kb.config import ROOT
from kb.extensions import db
from kb.models import Country
from tests.factories import create_element

#: What a page shows when a text is missing in the reader's language (see _macros.html).
FALLBACK = re.compile(r'class="fallback(?:-note)?"')


def fallbacks(html: str) -> int:
    """How many texts on the page are shown in another language than the page's."""
    return len(FALLBACK.findall(html))


def _record_urls(lang: str) -> list[str]:
    urls = []
    for name, record_type in CATALOG.items():
        model = record_type.model
        if model is Country:
            keys = db.session.scalars(sa.select(Country.code)).all()
        else:
            keys = db.session.scalars(
                sa.select(model.slug).where(model.status == "published")
            ).all()
        urls += [f"/{lang}/{name}/{key}" for key in keys]
    return urls


@pytest.mark.parametrize("lang", ["ru", "ko"])
def test_no_seeded_record_page_falls_back_to_another_language(seeded_app, lang):
    client = seeded_app.test_client()
    with seeded_app.app_context():
        urls = _record_urls(lang)
    assert len(urls) > 100  # every type: countries, organisations, elements, festivals…
    found = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if count := fallbacks(response.text):
            found[url] = count
    assert sum(found.values()) == 0, found


def test_the_count_sees_a_text_that_exists_only_in_english(app, client):
    create_element(
        slug="only-english-notes",
        name={"en": "Element", "ru": "Элемент", "ko": "종목"},
        notes={"en": "Inscribed at the 8th session."},
    )
    assert fallbacks(client.get("/ru/elements/only-english-notes").text) == 1
    assert fallbacks(client.get("/en/elements/only-english-notes").text) == 0


#: A Korean surname followed by a given name split into syllables («О Ын Гён»): the
#: Kontsevich system writes the given name as one word («О Ынгён»).
SPLIT_GIVEN_NAME = re.compile(
    r"\b(?:Ким|Пак|Ли|О|Чон|Кым|Чхве|Кан|Юн|Чан) [А-ЯЁ][а-яё]{0,3} [А-ЯЁ][а-яё]{0,3}\b"
)


def test_korean_names_in_russian_texts_follow_the_kontsevich_system():
    found = []
    for path in (ROOT / "seed_data").glob("*.yaml"):
        found += [(path.name, m.group(0)) for m in SPLIT_GIVEN_NAME.finditer(path.read_text())]
    assert not found, found
    assert SPLIT_GIVEN_NAME.search("профессор О Ын Гён")  # the pattern sees what it forbids
