"""Text in another language than the page's says which language it is (or that it is unknown)."""

from __future__ import annotations

import re

from tests.journeys import directory, fresh_client, log_in, make_account


def _tag(html: str, element_id: str) -> str:
    match = re.search(rf'<(?:input|textarea)[^>]*\bid="{element_id}"[^>]*>', html)
    assert match, element_id
    return match.group(0)


def test_each_per_language_input_carries_its_language_and_its_label_the_pages(app):
    directory()
    make_account("org@example.org")
    member = fresh_client(app)
    log_in(member, "org@example.org", "ko")
    form = member.get("/ko/submissions/new").text
    for code in ("en", "ru", "ko"):
        for name in ("name", "summary"):
            assert f'lang="{code}"' in _tag(form, f"text_{code}-{name}")
    # The labels are in the reader's language, so no block around them claims another.
    assert not re.search(r'<div lang="(?:en|ru)">\s*<div class="field">', form)


def test_spellings_of_no_known_language_are_marked_unknown(seeded_client):
    html = seeded_client.get("/ko/elements/nowruz").text
    assert '<span lang="">Nawrouz</span>' in html  # not read out as Korean
    assert '<span lang="ru">Навруз</span>' in html


def test_an_address_as_written_locally_is_not_claimed_for_the_page_language(seeded_client):
    html = seeded_client.get("/ru/organizations/ichcap").text
    assert re.search(r'<dd lang="">[^<]*서학로', html)
