"""The ru and ko catalogues are complete, keep every placeholder, and pages use them."""

import re

import pytest
from babel.messages.pofile import read_po

from kb.config import ROOT

PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}")


@pytest.mark.parametrize("lang", ["ru", "ko"])
def test_catalogue_is_complete_and_keeps_placeholders(lang):
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalog = read_po(f, locale=lang)
    assert len(catalog) > 100
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert "fuzzy" not in message.flags, ids[0]
        assert all(s.strip() for s in strings), f"untranslated: {ids[0]}"
        for text in strings:
            assert sorted(set(PLACEHOLDER.findall(text))) == sorted(
                set(PLACEHOLDER.findall(ids[-1]))
            ), ids[0]


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["Festivals", "Narrow the list"]),
        ("ru", ["Фестивали", "Фильтры"]),
        ("ko", ["축제", "국가"]),
    ],
)
def test_pages_speak_the_readers_language(seeded_client, lang, words):
    html = seeded_client.get(f"/{lang}/elements/").text
    for word in words:
        assert word in html, (lang, word)


def test_api_errors_speak_the_readers_language(seeded_client):
    ru = seeded_client.get("/api/v1/elements?per_page=0&lang=ru").get_json()["error"]
    ko = seeded_client.get(
        "/api/v1/elements?per_page=0", headers={"Accept-Language": "ko"}
    ).get_json()["error"]
    assert "1" in ru["fields"]["per_page"][0] and re.search("[а-я]", ru["message"])
    assert re.search("[가-힣]", ko["message"]) and re.search("[가-힣]", ko["fields"]["per_page"][0])


def test_the_catalogue_template_holds_every_marked_string():
    """Extraction as `make messages` runs it finds every string the code marks, templates
    with our own tags ({% cache %}) included: a template Babel cannot parse is skipped
    silently, and a refresh would then mark its strings obsolete in both catalogues."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg
    from babel.messages.pofile import read_po as read

    with open(ROOT / "babel.cfg") as f:
        method_map, options_map = parse_mapping_cfg(f)
    # pybabel's own keywords (`N_` among them), and the Makefile's `-k _l -k lazy_gettext`.
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    with open(ROOT / "translations" / "messages.pot", "rb") as f:
        template = {m.id[0] if isinstance(m.id, tuple) else m.id for m in read(f) if m.id}
    # search.html's box label sits inside {% cache %}: with the tag unknown to Babel the
    # whole template was skipped.
    assert 'Tips: put a phrase in "quotes"; end a word with * to match its beginning.' in found
    assert found == template
