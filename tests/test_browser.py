"""In a real browser (Playwright driving the system Chromium): what only a browser does.

The event page learns the reader's time zone from the browser (static/js/reader-zone.js)
and shows the programme in it; the keyboard reaches the skip link first. `make test`
installs Debian's Chromium when it is missing; without it these tests are skipped.
"""

import shutil
import threading
from datetime import UTC, datetime

import pytest
from werkzeug.serving import make_server

from tests import cldr

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="no system Chromium (make test installs it)")

WEBINAR = "/en/events/2020-silk-roads-ich-webinar"


@pytest.fixture(scope="module")
def live_url(seeded_app):
    """The seeded app served over HTTP on a free local port."""
    server = make_server("127.0.0.1", 0, seeded_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium, started without network chatter."""
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def test_a_reader_in_new_york_sees_the_programme_in_their_own_zone(live_url, browser):
    context = browser.new_context(timezone_id="America/New_York", locale="en-US")
    page = context.new_page()
    page.goto(live_url + WEBINAR)
    # The script stores the zone and reloads once; the page then renders both zones.
    page.wait_for_selector('[data-reader-zone="America/New_York"]', timeout=10_000)
    text = cldr.plain(page.inner_text("main"))
    assert "Your time:" in text
    # 13:00 in Seoul is 23:00 the day before in New York.
    start = datetime(2020, 11, 18, 4, 0, tzinfo=UTC)
    assert cldr.date_time(start, "America/New_York", "en") in text
    assert any(c["name"] == "tz" and c["value"] == "America/New_York" for c in context.cookies())
    context.close()


def test_a_reader_in_seoul_sees_one_zone_and_no_reload_loop(live_url, browser):
    context = browser.new_context(timezone_id="Asia/Seoul", locale="ko-KR")
    page = context.new_page()
    loads = []
    page.on("load", lambda _: loads.append(page.url))
    page.goto(live_url + WEBINAR.replace("/en/", "/ko/"))
    page.wait_for_selector('[data-reader-zone="Asia/Seoul"]', timeout=10_000)
    page.wait_for_timeout(500)  # give a wrong reload the chance to happen
    assert len(loads) <= 2
    assert not page.locator(".reader-time").count()  # no second zone when they are the same
    context.close()


def test_the_keyboard_reaches_the_skip_link_first_and_it_leads_to_the_content(live_url, browser):
    page = browser.new_page()
    page.goto(live_url + "/ru/festivals/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    assert page.evaluate("document.activeElement.getBoundingClientRect().left") >= 0  # visible
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.close()


def test_korean_text_is_never_slanted_and_breaks_between_words(live_url, browser):
    page = browser.new_page()
    style = (
        "e => { const s = getComputedStyle(e); return [s.fontStyle, s.fontWeight, s.wordBreak]; }"
    )
    page.goto(live_url + WEBINAR.replace("/en/", "/ko/"))
    font_style, weight, word_break = page.eval_on_selector('.theme [lang="ko"]', style)
    # Hangul has no italics: the theme is set apart by weight instead of a synthetic slant.
    assert font_style == "normal" and int(weight) >= 600 and word_break == "keep-all"
    page.goto(live_url + WEBINAR.replace("/en/", "/ru/"))
    font_style, _, word_break = page.eval_on_selector('.theme [lang="ru"]', style)
    assert font_style == "italic" and word_break != "keep-all"
    page.close()
