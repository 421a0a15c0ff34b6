"""The calendar in a real browser with the network unplugged: the 2020 meetings on their
days, a festival edition on its dates, the reader's zone taken from the browser, the phone
layout, and axe-core finding nothing serious in three languages at two widths."""

import pytest

from tests.browserkit import CHROMIUM, DESKTOP, PHONE, axe_findings, offline_context

pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="no system Chromium (make test installs it)")

WEBINAR = "events/2020-silk-roads-ich-webinar"
MEETING = "events/2020-silk-roads-ich-strategic-meeting"


def _days_linking(page, href: str) -> list[int]:
    """The days of the month grid whose cell links `href`."""
    return page.eval_on_selector_all(
        ".month-grid td",
        """(cells, href) => cells
            .filter(td => [...td.querySelectorAll('.cell-items a')]
                          .some(a => a.getAttribute('href').endsWith(href)))
            .map(td => Number(td.querySelector('.day-num').textContent.match(/\\d+/)[0]))""",
        href,
    )


@pytest.mark.parametrize("lang", ["en", "ru", "ko"])
def test_the_month_shows_the_2020_meetings_on_18_and_19_november(live_url, browser, lang):
    context, blocked = offline_context(browser, viewport=DESKTOP, timezone_id="Asia/Seoul")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_url}/{lang}/calendar?year=2020&month=11")
    page.wait_for_load_state("load")
    assert _days_linking(page, WEBINAR) == [18, 19]
    assert _days_linking(page, MEETING) == [18, 19]
    link = page.locator(f'.month-grid td a[href$="{WEBINAR}"]').first
    assert link.is_visible()
    # The browser said Seoul: the hours are the event's own, and its page opens from here.
    assert "13:00–17:30" in page.locator("#d-2020-11-18").inner_text()
    link.click()
    page.wait_for_url(f"**/{lang}/{WEBINAR}")
    assert not blocked and not errors
    context.close()


def test_a_festival_edition_stands_on_its_dates(live_url, browser):
    context, blocked = offline_context(browser, viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{live_url}/en/calendar?year=2016&month=9")
    assert _days_linking(page, "festivals/world-nomad-games") == [3, 4, 5, 6, 7, 8]
    usual = page.locator("section.usual")
    assert "Jeonju" in usual.inner_text() and "Dates not known" in usual.inner_text()
    assert not blocked
    context.close()


def test_the_readers_zone_comes_from_the_browser(live_url, browser):
    context, blocked = offline_context(browser, viewport=DESKTOP, timezone_id="America/Los_Angeles")
    page = context.new_page()
    page.goto(f"{live_url}/en/calendar?year=2020&month=11")
    # reader-zone.js keeps the zone in a cookie and shows the page again in it.
    page.wait_for_selector('[data-reader-zone="America/Los_Angeles"]', timeout=10_000)
    assert _days_linking(page, WEBINAR) == [17, 18]
    assert "20:00" in page.locator("#d-2020-11-17").inner_text()
    assert page.locator("#c-tz").input_value() == "America/Los_Angeles"
    assert not blocked
    context.close()


@pytest.mark.parametrize("lang", ["en", "ru", "ko"])
def test_on_a_phone_the_month_fits_and_a_day_leads_to_its_list(live_url, browser, lang):
    context, blocked = offline_context(browser, viewport=PHONE, timezone_id="Asia/Seoul")
    page = context.new_page()
    page.goto(f"{live_url}/{lang}/calendar?year=2020&month=11")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # nothing wider than the screen
    grid = page.locator(".month-grid").bounding_box()
    assert grid["x"] >= 0 and grid["x"] + grid["width"] <= PHONE["width"]
    day = page.locator('.month-grid a.day-num[href="#d-2020-11-18"]')
    box = day.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24  # a target a thumb can hit
    day.click()
    agenda = page.locator("#d-2020-11-18")
    assert agenda.is_visible()
    assert agenda.locator(f'a[href$="{WEBINAR}"]').is_visible()
    assert not blocked
    context.close()


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["390", "1280"])
@pytest.mark.parametrize("lang", ["en", "ru", "ko"])
def test_axe_finds_nothing_serious_on_the_calendar(live_url, browser, lang, size):
    paths = [
        f"/{lang}/calendar",
        f"/{lang}/calendar?year=2020&month=11",
        f"/{lang}/calendar?year=2016&month=9&type=festival-edition",
        f"/{lang}/calendar?year=2020",
        f"/{lang}/calendar?month=13",
    ]
    found, blocked = axe_findings(
        browser, live_url, paths, viewport=size, timezone_id="Europe/Berlin"
    )
    assert not found
    assert not blocked
