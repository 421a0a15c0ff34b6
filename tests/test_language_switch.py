"""The language switch names the same page, with the same filters, in each language; its
addresses are kept per page and root (kb/views/__init__.py), never another page's."""

from __future__ import annotations

import re


def _switch(html: str) -> dict[str, str]:
    nav = re.search(r'<nav class="lang".*?</nav>', html, re.S).group(0)
    return dict(
        (code, href.replace("&amp;", "&"))
        for href, code in re.findall(r'<a href="([^"]+)" lang="(\w+)"', nav)
    )


def test_the_switch_names_this_page_in_each_language(seeded_client):
    for _ in range(2):  # the second time from the kept addresses
        links = _switch(seeded_client.get("/ru/elements/nowruz").text)
        assert links == {
            "en": "/en/elements/nowruz",
            "ru": "/ru/elements/nowruz",
            "ko": "/ko/elements/nowruz",
        }
        links = _switch(seeded_client.get("/en/festivals/?country=UZ&page=1").text)
        assert links["ko"] == "/ko/festivals/?country=UZ&page=1"
        links = _switch(seeded_client.get("/ko/search?q=%EC%B6%95%EC%A0%9C").text)
        assert links["en"] == "/en/search?q=%EC%B6%95%EC%A0%9C"


def test_the_switch_keeps_the_applications_root(seeded_client):
    seeded_client.get("/en/elements/nowruz")  # kept without a root
    html = seeded_client.get("/en/elements/nowruz", base_url="http://localhost/kb/").text
    assert _switch(html)["ru"] == "/kb/ru/elements/nowruz"
    assert _switch(seeded_client.get("/en/elements/nowruz").text)["ru"] == "/ru/elements/nowruz"
