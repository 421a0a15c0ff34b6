"""Pictures in a real browser: an institution uploads one with its festival submission, a
moderator approves it, and the public festival page shows it (responsive, lazy, with alt
text) and passes axe-core in three languages, with the network unplugged."""

import io

import pytest
import sqlalchemy as sa
from PIL import Image as PILImage

from kb.extensions import db
from kb.models import Festival
from tests.browserkit import CHROMIUM, DESKTOP, PHONE, axe_violations, offline_context, serve
from tests.journeys import browser_log_in, directory, make_account

pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="no system Chromium (make test installs it)")


def _jpeg() -> bytes:
    image = PILImage.new("RGB", (1200, 800), (140, 60, 30))
    image.paste((230, 190, 90), (100, 300, 1100, 500))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def test_a_picture_sent_with_a_submission_is_on_the_festival_page_after_approval(app, browser):
    directory()
    make_account("festival@example.org", organization="ichcap")
    make_account("moderator@example.org", role="moderator")
    base, stop = serve(app)
    try:
        institution, blocked = offline_context(browser, viewport=PHONE)
        page = browser_log_in(institution, base, "festival@example.org")
        page.goto(f"{base}/en/submissions/new")
        page.fill("#text_en-name", "Boysun Bahori")
        page.select_option("#countries-0", "UZ")
        page.click("button.secondary[name=action][value=draft] >> nth=-1")
        page.click("text=Add or change pictures")
        page.set_input_files(
            "#new-file", {"name": "stage.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}
        )
        page.fill("#new-alt_en", "Singers on the festival stage at dusk")
        page.fill("#new-credit", "Boysun festival office")
        page.select_option("#new-licence", "cc-by")
        page.click("button[name=action][value=add]")
        assert page.locator("figure.picture img").count() == 1
        page.click("text=Back")
        page.click("button[name=action][value=submit] >> nth=-1")
        page.wait_for_load_state("load")
        review_url = page.url
        institution.close()

        moderator, _ = offline_context(browser, viewport=DESKTOP)
        page = browser_log_in(moderator, base, "moderator@example.org")
        page.goto(review_url)
        assert page.locator("figure.picture img").count() == 1
        page.click("form.decision-approve button[type=submit]")
        page.wait_for_load_state("load")
        moderator.close()

        with app.app_context():
            slug = db.session.scalar(sa.select(Festival.slug))
        for lang in ("en", "ru", "ko"):
            reader, blocked = offline_context(browser, viewport=PHONE)
            page = reader.new_page()
            page.goto(f"{base}/{lang}/festivals/{slug}")
            img = page.locator("figure.picture img")
            img.scroll_into_view_if_needed()
            page.wait_for_function("document.querySelector('figure.picture img').complete")
            assert img.evaluate("i => i.naturalWidth") > 0
            assert img.get_attribute("alt") == "Singers on the festival stage at dusk"
            assert img.get_attribute("srcset") and img.get_attribute("width")
            assert not axe_violations(page)
            assert not blocked
            reader.close()
    finally:
        stop()
