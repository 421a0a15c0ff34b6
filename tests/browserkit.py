"""Browser tests' shared parts: the seeded app over HTTP, headless Chromium, offline
pages and axe-core.

Chromium is the system's (Debian's package, never a downloaded build); without it the
tests that use these fixtures are skipped. `offline_page` aborts every request that is not
for the local server, so a page that needs the internet shows it by failing.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
#: The two screens the browser tests look through.
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
#: What the accessibility tests refuse; "moderate" and "minor" findings are reported only.
SERIOUS = {"serious", "critical"}


def serve(app):
    """Serve `app` over HTTP on a free local port; returns (base URL, stop)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.server_port}", server.shutdown


@pytest.fixture(scope="module")
def live_url(seeded_app):
    """The seeded app served over HTTP on a free local port."""
    url, stop = serve(seeded_app)
    yield url
    stop()


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium, started without network chatter."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM:
        pytest.skip("no system Chromium (make test installs it)")
    with sync_api.sync_playwright() as p:
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


def offline_context(browser, **options):
    """A browser context in which only 127.0.0.1 answers: the network is unplugged.

    Returns (context, blocked): `blocked` lists every URL the pages tried to reach outside.
    """
    context = browser.new_context(**options)
    blocked: list[str] = []

    def route(route):
        host = urlsplit(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", route)
    return context, blocked


def axe_findings(browser, base: str, paths, **options) -> tuple[dict[str, list[str]], list[str]]:
    """Open each of `paths` in turn in one offline tab (`options` go to the context), let a
    map draw, and run axe-core. Returns (serious findings by path, URLs the pages tried to
    reach outside)."""
    context, blocked = offline_context(browser, **options)
    page = context.new_page()
    found = {}
    for path in paths:
        page.goto(base + path)
        page.wait_for_load_state("load")
        if page.locator("[data-map]").count():  # let the map draw before it is judged
            page.wait_for_selector(".map-box.map-ready", timeout=10_000)
        problems = axe_violations(page)
        if problems:
            found[path] = problems
    context.close()
    return found, blocked


def axe_violations(page, impacts=SERIOUS) -> list[str]:
    """axe-core's violations of the page at `impacts`, one line each (rule, impact, nodes).

    axe is given to the page through the DevTools protocol (`evaluate`), not as a script
    tag, so a strict Content-Security-Policy does not stop it.
    """
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:5])
        for v in result["violations"]
        if v["impact"] in impacts
    ]
