"""Accessibility and phone layout in a real browser: axe-core on the pages people reach
first, in three languages and at two widths, with the network unplugged.

axe-core (vendored from npm, `make vendor`) must find nothing serious or critical.
"""

import pytest

from tests.browserkit import CHROMIUM, DESKTOP, PHONE, axe_findings, offline_context

pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="no system Chromium (make test installs it)")


PAGES = [
    "/{lang}/",
    "/{lang}/search?q=festival",
    "/{lang}/search?q=festival&country=UZ",
    "/{lang}/events/2020-silk-roads-ich-webinar",
    "/{lang}/festivals/sharq-taronalari",
    "/{lang}/festivals/world-nomad-games",
    "/{lang}/map",
    "/{lang}/countries/uz",
    "/{lang}/organizations/ichcap",
]


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["390", "1280"])
@pytest.mark.parametrize("lang", ["en", "ru", "ko"])
def test_axe_finds_nothing_serious(live_url, browser, lang, size):
    paths = [path.format(lang=lang) for path in PAGES]
    found, blocked = axe_findings(
        browser, live_url, paths, viewport=size, timezone_id="Europe/Berlin"
    )
    assert not found
    assert not blocked


@pytest.mark.parametrize("lang", ["en", "ru", "ko"])
def test_on_a_phone_the_first_result_is_on_the_first_screen(live_url, browser, lang):
    context, _ = offline_context(browser, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_url}/{lang}/search?q=festival")
    box = page.locator("#search-q").bounding_box()
    first = page.locator(".hits > li").first.bounding_box()
    assert first["y"] < PHONE["height"]  # visible without scrolling
    assert first["y"] - (box["y"] + box["height"]) < PHONE["height"] / 2
    # The facets wait behind "Filter": closed, and one tap opens them.
    facets = page.locator("details.facets")
    assert facets.evaluate("d => d.open") is False
    page.locator("details.facets > summary").click()
    assert page.locator(".facet-list a").first.is_visible()
    context.close()


def test_on_a_wide_screen_the_facets_stand_open_beside_the_results(live_url, browser):
    context, _ = offline_context(browser, viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{live_url}/en/search?q=festival")
    assert page.locator(".facet-list a").first.is_visible()
    facets = page.locator("details.facets").bounding_box()
    first = page.locator(".hits > li").first.bounding_box()
    assert facets["x"] + facets["width"] <= first["x"]  # a sidebar, left of the results
    assert page.locator("form[role=search]").count() == 1  # one search box on the page
    context.close()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_stacked_links_are_targets_of_at_least_24_pixels(live_url, browser, lang):
    """WCAG 2.2 (2.5.8): a record's sources and link lists, one above the other."""
    context, _ = offline_context(browser, viewport=DESKTOP)  # one line each: the least height
    page = context.new_page()
    page.goto(f"{live_url}/{lang}/festivals/sharq-taronalari")
    heights = page.eval_on_selector_all(
        ".sources li a, .links li > a", "links => links.map(a => a.getBoundingClientRect().height)"
    )
    assert len(heights) >= 3 and min(heights) >= 24
    context.close()
