"""Improving a record in a real browser: a Korean reader proposes a change to an element
(saying the new summary is in English), a moderator moves a text to its language and
approves, and the element's page shows it in its history; every form passes axe-core,
with the network unplugged."""

import pytest

from tests.browserkit import CHROMIUM, DESKTOP, PHONE, axe_violations, offline_context, serve
from tests.factories import create_element
from tests.journeys import browser_log_in, member_and_moderator

pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="no system Chromium (make test installs it)")


def test_a_change_to_an_element_is_proposed_moved_approved_and_in_its_history(app, browser):
    member_and_moderator()
    create_element(slug="navruz", name={"en": "Navruz"})
    base, stop = serve(app)
    try:
        member, blocked = offline_context(browser, viewport=PHONE)
        page = browser_log_in(member, base, "org@example.org", "ko")
        page.goto(f"{base}/ko/elements/navruz")
        page.click("p.propose a")
        page.wait_for_load_state("load")
        assert page.url.endswith("/ko/elements/navruz/propose")
        assert axe_violations(page) == []
        assert page.input_value("#text_name-1-lang") == "ko"  # the reader's, shown
        page.fill("#text_name-1-text", "나우루즈")
        page.fill("#text_summary-0-text", "Spring new year.")
        page.select_option("#text_summary-0-lang", "en")
        page.fill("#text_communities-0-text", "Samarkand")  # English, left as Korean
        page.click("button[name=action][value=submit] >> nth=-1")
        page.wait_for_load_state("load")
        review = page.url.replace("/ko/", "/en/")
        member.close()
        assert not blocked

        moderator, blocked = offline_context(browser, viewport=DESKTOP)
        page = browser_log_in(moderator, base, "mod@example.org")
        page.goto(review)
        assert axe_violations(page) == []
        page.click("text=Edit the proposal before deciding")
        page.wait_for_load_state("load")
        assert axe_violations(page) == []
        row = page.locator("#text_communities textarea").first.get_attribute("id")
        page.select_option(f"#{row.removesuffix('-text')}-lang", "en")
        page.fill("#message", "Communities are named in English.")
        page.click("button[name=action][value=save] >> nth=-1")
        page.wait_for_load_state("load")
        page.click("form.decision-approve button[type=submit]")
        page.wait_for_load_state("load")
        moderator.close()
        assert not blocked

        reader, blocked = offline_context(browser, viewport=PHONE)
        page = reader.new_page()
        page.goto(f"{base}/en/elements/navruz")
        history = page.locator("section.history").inner_text()
        assert "Published by Mira." in history and "Edited before publication by Mira." in history
        assert "Spring new year." in page.content()
        page.goto(f"{base}/ko/elements/navruz")
        assert "나우루즈" in page.locator("h1").inner_text()
        assert axe_violations(page) == []
        reader.close()
        assert not blocked
    finally:
        stop()
