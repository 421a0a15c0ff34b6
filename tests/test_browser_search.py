"""Search on a phone, in a real browser with the network unplugged: the first result's
title is read on the first screen, below the one search box; the facets wait behind
"Filter"; the year facet runs in year order."""

import pytest

from tests.browserkit import CHROMIUM, DESKTOP, PHONE, offline_context

pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="no system Chromium (make test installs it)")

QUERIES = {"en": "festival", "ru": "фестиваль", "ko": "축제"}


@pytest.mark.parametrize("lang", ["en", "ru", "ko"])
def test_on_a_phone_the_first_results_title_is_on_the_first_screen(live_url, browser, lang):
    context, blocked = offline_context(browser, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_url}/{lang}/search?q={QUERIES[lang]}")
    assert page.locator("form[role=search]").count() == 1  # one search box on the page
    box = page.locator("#search-q").bounding_box()
    title = page.locator(".hits > li h3 a").first.bounding_box()
    assert title["y"] > box["y"] + box["height"]  # below the search box
    assert title["y"] + title["height"] <= PHONE["height"], f"title ends at {title}"
    assert not blocked
    context.close()


def test_the_year_facet_runs_in_year_order(live_url, browser):
    context, _ = offline_context(browser, viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{live_url}/en/search?q=festival")
    years = page.evaluate(
        """() => {
            const heading = [...document.querySelectorAll('.facet-heading')]
                .find(h => h.textContent.trim() === 'Year');
            const list = heading && heading.nextElementSibling;
            return list ? [...list.querySelectorAll('a > span:first-child')]
                .map(s => Number(s.textContent.replace(/\\D/g, ''))) : null;
        }"""
    )
    assert years and len(years) >= 3
    assert years == sorted(years, reverse=True)
    context.close()
