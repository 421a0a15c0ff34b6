"""Security headers on every page type, cookies' flags, and templates without inline code.

Issue 8, finding 4: no Content-Security-Policy, X-Content-Type-Options, frame-ancestors
(the approve and register buttons could be framed), Referrer-Policy or HSTS; the session
cookie had neither Secure (behind https) nor SameSite.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from flask import url_for
from werkzeug.routing import AnyConverter
from werkzeug.routing.converters import NumberConverter

from kb.config import ROOT
from kb.security import content_security_policy
from tests.conftest import make_app
from tests.eventkit import account, client_of, login

#: Endpoints whose GET answers HTML to an anonymous visitor, with seeded data: each must
#: answer 200 in the walk below (so the walk really reaches the page types).
PUBLIC_PAGES = {
    "pages.home",
    "pages.collection",
    "pages.record",
    "pages.event",
    "pages.map",
    "pages.search",
    "pages.glossary",
    "pages.login",
    "pages.signup_page",
    "pages.reset_request",
    "pages.resend_confirmation",
    "pages.register",
}


def assert_secured(response, url: str) -> None:
    headers = response.headers
    policy = headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in policy, url
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy, url
    assert "style-src 'self'" in policy and "object-src 'none'" in policy, url
    assert headers.get("X-Content-Type-Options") == "nosniff", url
    assert headers.get("X-Frame-Options") == "DENY", url
    assert headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", url


def _samples(client) -> dict:
    """Real values for every URL variable, taken from the seeded data through the API."""
    slugs = {}
    for collection in ("organizations", "elements", "festivals", "case-studies", "events"):
        slugs[collection] = client.get(f"/api/v1/{collection}?per_page=1").get_json()["items"][0][
            "slug"
        ]
    slugs["countries"] = client.get("/api/v1/countries?per_page=1").get_json()["items"][0]["slug"]
    term = client.get("/api/v1/glossary").get_json()["items"][0]["id"]
    return {"slugs": slugs, "term_id": term}


def _urls(app, client):
    """(endpoint, url) for every GET route, each `any(...)` choice expanded."""
    samples = _samples(client)
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        choices = [None]
        if "collection" in rule.arguments:
            converter = rule._converters["collection"]
            assert isinstance(converter, AnyConverter)
            choices = list(converter.items)
        for collection in choices:
            values = {}
            for name in rule.arguments:
                values[name] = {
                    "lang": "ru",
                    "collection": collection,
                    "slug": samples["slugs"].get(collection or "events"),
                    "term_id": samples["term_id"],
                    "submission_id": 1,
                    "position": 1,
                    "token": "not-a-token",
                    "key": "missing",
                    "variant": "small",
                    "filename": "css/site.css",
                    "fmt": "csv",
                }.get(name, 1 if isinstance(rule._converters.get(name), NumberConverter) else "x")
            with app.test_request_context():
                yield rule.endpoint, url_for(rule.endpoint, **values)


def test_every_get_route_answers_with_the_headers(seeded_app):
    client = seeded_app.test_client()
    seen = {}
    for endpoint, url in _urls(seeded_app, client):
        response = client.get(url)
        response.close()
        assert response.status_code < 500, url
        assert_secured(response, url)
        if response.status_code == 200:
            seen.setdefault(endpoint, response.mimetype)
        assert "Strict-Transport-Security" not in response.headers  # plain http
    missing = {e for e in PUBLIC_PAGES if seen.get(e) != "text/html"}
    assert not missing, f"these pages did not render in the walk: {missing}"
    assert seen["static"] == "text/css" and seen["api.collection"] == "application/json"


def test_pages_behind_a_log_in_carry_them_too(app):
    admin = account("admin@example.org", role="admin")
    client = client_of(app)
    login(client, admin)
    for url in ("/en/account/", "/en/moderation/", "/en/organize/events/", "/en/submissions/new"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_secured(response, url)
    missing = client.get("/en/no-such-page")
    assert missing.status_code == 404
    assert_secured(missing, "404")


def test_https_answers_carry_hsts(seeded_app):
    client = seeded_app.test_client()
    response = client.get("/en/", base_url="https://kb.example.org")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/en/").headers
    # Behind no trusted proxy, a client's X-Forwarded-Proto changes nothing.
    forged = client.get("/en/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in forged.headers


def test_behind_a_trusted_proxy_https_comes_from_it(backend, tmp_path):
    instance = tmp_path / "proxied"
    app = make_app(
        instance,
        backend.fresh("empty", instance),
        TRUSTED_PROXIES=1,
        BASE_URL="https://kb.example.org",
    )
    response = app.test_client().get(
        "/en/account/login", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "1.2.3.4"}
    )
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_cookies_are_httponly_and_lax_and_secure_only_over_https(app, backend, tmp_path):
    cookie = app.test_client().get("/en/account/login").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # the test site is http://127.0.0.1:5000
    instance = tmp_path / "https"
    secure = make_app(instance, backend.fresh("empty", instance), BASE_URL="https://kb.example")
    cookie = secure.test_client().get("/en/account/login").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_zone_cookie_is_secure_over_https(seeded_app, monkeypatch):
    slug = seeded_app.test_client().get("/api/v1/events?per_page=1").get_json()["items"][0]["slug"]
    url = f"/en/events/{slug}?tz=Asia/Seoul"
    plain = seeded_app.test_client().get(url).headers.getlist("Set-Cookie")
    assert any(c.startswith("tz=") and "SameSite=Lax" in c and "Secure" not in c for c in plain)
    monkeypatch.setitem(seeded_app.config, "SESSION_COOKIE_SECURE", True)  # an https site
    secure = seeded_app.test_client().get(url).headers.getlist("Set-Cookie")
    assert any(c.startswith("tz=") and "Secure" in c and "SameSite=Lax" in c for c in secure)


def test_the_tile_server_may_serve_images_and_nothing_else():
    policy = content_security_policy(
        {"MAP_TILES_URL": "https://{s}.tile.example.org/{z}/{x}/{y}.png"}
    )
    assert "img-src 'self' data: https://*.tile.example.org;" in policy
    assert policy.count("tile.example.org") == 1
    assert "tile" not in content_security_policy({"MAP_TILES_URL": None})


class _InlineFinder(HTMLParser):
    """Inline code a strict CSP blocks: <script> with a body or no src, <style>, style=,
    event handler attributes (onclick=…), javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "style":
            self.found.append("<style>")
        if tag == "script":
            data_block = (attrs.get("type") or "").endswith("json")  # never executed
            if not attrs.get("src") and not data_block:
                self.found.append("<script> without src")
            self._script = not data_block
        for name, value in attrs.items():
            if name == "style" or name.startswith("on"):
                self.found.append(f"{name}= on <{tag}>")
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL on <{tag}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = False

    def handle_data(self, data):
        if self._script and data.strip():
            self.found.append("<script> with a body")


def _page_templates():
    """Every template a browser renders: the e-mails' (templates/mail) keep their inline
    styles, which mail programs need and no CSP governs."""
    for path in sorted((ROOT / "templates").rglob("*.html")):
        if "mail" not in path.relative_to(ROOT / "templates").parts:
            yield path


@pytest.mark.parametrize("path", list(_page_templates()), ids=lambda p: p.name)
def test_templates_hold_no_inline_script_or_style(path):
    # Jinja expressions and tags are replaced by a neutral word: the HTML around them counts.
    text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", "x", path.read_text(), flags=re.S)
    finder = _InlineFinder()
    finder.feed(text)
    assert not finder.found, f"{path.relative_to(ROOT)}: {finder.found}"


def test_no_script_sits_inside_the_title():
    """A <script> in {% block title %} is text in <title>: the tab showed the tag."""
    for path in _page_templates():
        for block in re.findall(r"\{% block title %\}(.*?)\{% endblock", path.read_text(), re.S):
            assert "<script" not in block, path.relative_to(ROOT)
