"""Every page type in a real browser under the strict Content-Security-Policy.

The policy forbids inline scripts and styles: a template that still held one would lose
it silently. Here Chromium reports every violation (the `securitypolicyviolation` event,
listened to by a script the DevTools protocol adds, which no policy governs), and the
pages' own scripts are seen working: the map draws, the event page learns the reader's
zone, the search page opens its filters on a wide screen.
"""

import pytest

from tests.browserkit import CHROMIUM, DESKTOP, offline_context

pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="no system Chromium (make test installs it)")

LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' +
                    (e.sourceFile || '') + ':' + e.lineNumber);
});
"""

#: Pages with a script, and what the page shows once the script ran.
SCRIPTED = {
    "/en/map": ".map-box.map-ready",
    "/ru/events/2020-silk-roads-ich-webinar": '[data-reader-zone="Asia/Tashkent"]',
    "/en/search?q=festival": "details[data-open-wide][open]",
}


def _first_slugs(seeded_app) -> list[str]:
    client = seeded_app.test_client()
    paths = []
    for collection in ("organizations", "elements", "festivals", "case-studies", "events"):
        item = client.get(f"/api/v1/{collection}?per_page=1").get_json()["items"][0]
        paths.append(f"/ko/{collection}/{item['slug']}")
    return paths


def _pages(seeded_app) -> list[str]:
    lists = [f"/en/{c}/" for c in ("organizations", "elements", "festivals", "events")]
    forms = ["/en/account/login", "/ru/account/signup", "/en/account/reset"]
    register = "/en/events/2020-silk-roads-ich-webinar/register"
    return ["/en/", "/ko/glossary", *lists, *_first_slugs(seeded_app), *forms, register]


def _violations(page) -> list[str]:
    page.wait_for_timeout(200)  # violation events are dispatched asynchronously
    return page.evaluate("window.__csp || []")


def test_every_page_type_runs_without_a_single_policy_violation(live_url, browser, seeded_app):
    context, blocked = offline_context(browser, viewport=DESKTOP, timezone_id="Asia/Tashkent")
    context.add_init_script(LISTEN)
    console = []
    found = {}
    page = context.new_page()
    page.on("console", lambda m: console.append(m.text) if "Content Security" in m.text else None)
    for path, ready in SCRIPTED.items():
        response = page.goto(live_url + path)
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        page.wait_for_selector(ready, state="attached", timeout=10_000)
        found[path] = _violations(page)
    for path in _pages(seeded_app):
        response = page.goto(live_url + path)
        assert response.status == 200, path
        page.wait_for_load_state("load")
        found[path] = _violations(page)
    context.close()
    assert not {path: v for path, v in found.items() if v}, found
    assert not console and not blocked


def test_a_page_cannot_be_framed_by_another_site(live_url, browser):
    """frame-ancestors 'none': the register button cannot be put under an invisible frame."""
    context, _ = offline_context(browser)
    page = context.new_page()
    page.goto(live_url + "/en/")  # any page of the site as the would-be framing page
    page.set_content(
        f'<iframe id="f" src="{live_url}/en/events/2020-silk-roads-ich-webinar/register"></iframe>'
    )
    page.wait_for_timeout(1000)
    frame = page.frame_locator("#f")
    assert frame.locator("form").count() == 0
    context.close()
