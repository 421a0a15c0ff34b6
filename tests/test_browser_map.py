"""The map in a real browser with the network unplugged: Leaflet, clustering and the
Natural Earth borders all come from the app; the markers are the database's places."""

import pytest
import sqlalchemy as sa

from kb.extensions import db
from kb.models import Event, Festival, Organization
from tests.browserkit import CHROMIUM, DESKTOP, PHONE, offline_context, serve
from tests.test_map import _members_world

pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="no system Chromium (make test installs it)")

#: What a page shows once map.js has drawn its markers.
READY = ".map-box.map-ready"


def _placed_count(app) -> int:
    with app.app_context():
        return sum(
            db.session.scalar(
                sa.select(sa.func.count()).where(
                    model.status == "published", model.latitude.is_not(None)
                )
            )
            for model in (Festival, Organization, Event)
        )


def _markers_shown(page) -> int:
    """Markers on the map, those inside clusters counted by their cluster's number."""
    return page.evaluate(
        """() => document.querySelectorAll('.leaflet-marker-icon.marker').length +
              [...document.querySelectorAll('.marker-cluster span')]
                .reduce((n, s) => n + Number(s.textContent), 0)"""
    )


@pytest.mark.parametrize("lang", ["en", "ru", "ko"])
def test_the_map_draws_offline_with_a_marker_for_every_placed_record(
    live_url, browser, seeded_app, lang
):
    context, blocked = offline_context(browser, viewport=DESKTOP)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_url}/{lang}/map")
    page.wait_for_selector(READY, timeout=10_000)
    page.wait_for_selector("path.country", state="attached", timeout=10_000)  # the borders
    assert page.locator("path.country").count() > 100
    assert _markers_shown(page) == _placed_count(seeded_app)
    assert page.get_attribute(".map-box", "data-markers") == str(_placed_count(seeded_app))
    assert not blocked and not errors
    context.close()


def test_a_markers_popup_names_the_record_and_opens_it_from_the_keyboard(live_url, browser):
    context, blocked = offline_context(browser, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_url}/ru/map?country=CN")  # two places, far apart: no cluster
    page.wait_for_selector(READY, timeout=10_000)
    marker = page.locator('[data-place="festivals/chengdu-international-ich-festival"]')
    marker.focus()
    page.keyboard.press("Enter")  # markers answer the keyboard
    link = page.locator(".leaflet-popup-content a")
    link.wait_for(timeout=5_000)
    assert "Чэнду" in link.inner_text()
    # Leaflet's own controls are named in the page's language, not in English.
    assert page.get_attribute(".leaflet-popup-close-button", "aria-label") == "Закрыть"
    assert page.get_attribute(".leaflet-control-zoom-in", "aria-label") == "Приблизить"
    assert page.get_attribute(".leaflet-control-zoom-out", "title") == "Отдалить"
    # The next Tab reaches the popup's link, and Enter follows it. (Keys, not a click at
    # the link's coordinates: those raced the popup's pan on a slow machine.)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('.leaflet-popup-content') !== null")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ru/festivals/chengdu-international-ich-festival")
    assert "Чэнду" in page.locator("h1").inner_text()
    assert not blocked
    context.close()


def test_a_country_page_shows_its_own_places(live_url, browser):
    context, blocked = offline_context(browser, viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{live_url}/en/countries/kr")
    page.wait_for_selector(READY, timeout=10_000)
    shown = _markers_shown(page)
    assert shown == int(page.get_attribute(".map-box", "data-markers")) > 3
    assert not blocked
    context.close()


def test_a_members_popup_gives_its_role_and_the_members_map_holds_members_alone(app, browser):
    _members_world()  # one placed member (a partner), a former member, an outsider, a festival
    base, stop = serve(app)
    try:
        context, blocked = offline_context(browser, viewport=DESKTOP)
        page = context.new_page()
        page.goto(f"{base}/ru/map")
        page.wait_for_selector(READY, timeout=10_000)
        assert page.get_attribute(".map-box", "data-markers") == "4"
        page.check("#m-members")
        page.click("form.map-filters button[type=submit]")
        page.wait_for_selector(READY, timeout=10_000)
        assert "members=1" in page.url
        assert _markers_shown(page) == 1
        marker = page.locator('[data-place="organizations/boysun"]')
        marker.focus()
        page.keyboard.press("Enter")
        role = page.locator(".leaflet-popup-content .map-popup-role")
        role.wait_for(timeout=5_000)
        assert role.inner_text() == "Партнёр"
        assert not blocked
        context.close()
    finally:
        stop()
