"""One form per term: the catalogues and the seed use the forms of translations/terms.yaml."""

from __future__ import annotations

import pytest
import yaml
from babel.messages.pofile import read_po

from kb.config import ROOT
from kb.terms import load, violations

#: Keys whose values are not prose in a language: other spellings kept for search, links.
NOT_PROSE = {"alt_names", "sources", "website", "recording_url", "slug"}


def _catalogue(lang: str):
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=lang)


def _strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


def _seed_texts(lang: str):
    """(file, record, path, text) for every seed text in `lang`."""

    def walk(value, path):
        if isinstance(value, dict):
            for key, inner in value.items():
                if key in NOT_PROSE:
                    continue
                if key == lang and isinstance(inner, str):
                    yield path, inner
                else:
                    yield from walk(inner, f"{path}.{key}")
        elif isinstance(value, list):
            for i, inner in enumerate(value):
                yield from walk(inner, f"{path}.{i}")

    for path in sorted((ROOT / "seed_data").glob("*.yaml")):
        for record in yaml.safe_load(path.read_text(encoding="utf-8")):
            name = record.get("slug") or record.get("code")
            for where, text in walk(record, ""):
                yield path.name, name, where, text


def test_every_term_has_three_forms_a_definition_and_the_reference_terms_are_there():
    terms = {t.id: t for t in load()}
    # The reference glossary's fourteen terms, and the network's own words.
    for term_id in (
        "ich",
        "convention",
        "safeguarding",
        "silk-roads",
        "festival",
        "living-heritage",
        "representative-list",
        "urgent-safeguarding-list",
        "committee",
        "oral-traditions",
        "performing-arts",
        "social-practices",
        "knowledge-nature",
        "craftsmanship",
        "network",
        "edition",
        "session",
    ):
        term = terms[term_id]
        assert all(term.forms[lang] and term.definition[lang] for lang in ("en", "ru", "ko"))
    assert terms["ich"].forms["ko"] == "무형유산"
    assert terms["social-practices"].forms["ru"] == "обычаи, обряды, празднества"


def test_the_check_finds_a_variant_and_spares_an_official_name():
    assert violations("Сеть НКН Великого Шёлкового пути", "ru")
    assert violations("Социальные практики, обряды, празднества", "ru")
    assert violations("실크로드 무형문화유산 축제", "ko")
    assert not violations("유네스코 아시아태평양 무형문화유산 국제정보네트워킹센터", "ko")
    assert not violations("Сеть НКН Шёлковых путей", "ru")
    # A rule belongs to its language: Korean rules never judge Russian text.
    assert not violations("무형문화유산", "ru")


@pytest.mark.parametrize("lang", ["ru", "ko"])
def test_catalogue_uses_the_terms(lang):
    catalog = _catalogue(lang)
    found = [
        (message.id, problem)
        for message in catalog
        if message.id
        for text in _strings(message)
        for problem in violations(text, lang)
    ]
    assert not found, found
    for term in load():
        for msgid in term.msgids:
            message = catalog.get(msgid)
            assert message is not None, (term.id, msgid)
            for text in _strings(message):
                assert term.accepts(lang, text), (term.id, msgid, text)


@pytest.mark.parametrize("lang", ["ru", "ko"])
def test_seed_uses_the_terms(lang):
    found = [
        f"{file}, {record}, {where}: {problem}"
        for file, record, where, text in _seed_texts(lang)
        for problem in violations(text, lang)
    ]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("lang", ["ru", "ko"])
def test_the_glossary_itself_uses_the_terms(lang):
    found = [(t.id, v) for t in load() for v in violations(t.definition[lang], lang)]
    assert not found, found
