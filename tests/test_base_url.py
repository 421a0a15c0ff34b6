"""KB_BASE_URL is the one source of absolute links; KB_TRUSTED_PROXIES applies ProxyFix.

Issue 8, finding 2: a password reset asked for with `Host: evil.example` mailed a link to
http://evil.example/… (account takeover); registration mails did the same.
"""

from __future__ import annotations

import re
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner
from flask import jsonify, request
from flask.cli import FlaskGroup

from kb.cli import _create_app
from kb.config import ROOT, ConfigError, load_config
from kb.urls import absolute_url
from tests.conftest import make_app
from tests.eventkit import account, bearer, client_of, csrf, event_body, outbox
from tests.journeys import make_account, queued_mail
from tests.workerkit import run_worker_once

SITE = "https://kb.example.org"
#: What an attacker sends instead of the site's name.
FORGED = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"}


def _links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>]+", text)


def _forged(client, method: str, url: str, **kw):
    """A request whose Host header (and X-Forwarded-Host) name the attacker's site."""
    headers = {**FORGED, **kw.pop("headers", {})}
    return client.open(url, method=method, base_url="http://evil.example", headers=headers, **kw)


@pytest.fixture
def site(app):
    app.config["BASE_URL"] = SITE
    return app


def test_a_reset_asked_for_with_a_forged_host_mails_a_link_to_the_site(site):
    make_account("curator@example.org")
    client = client_of(site)
    page = _forged(client, "GET", "/en/account/reset")
    response = _forged(
        client,
        "POST",
        "/en/account/reset",
        data={"csrf_token": csrf(page.text), "email": "curator@example.org"},
    )
    assert response.status_code == 200
    (mail,) = queued_mail()
    links = _links(mail.text) + _links(mail.html)
    assert links and all(link.startswith(SITE + "/") for link in links), links
    assert any(link.startswith(SITE + "/en/account/reset/") for link in links)
    assert "evil.example" not in mail.text + mail.html


def test_a_sign_up_with_a_forged_host_mails_its_confirmation_link_to_the_site(site):
    client = client_of(site)
    page = _forged(client, "GET", "/ko/account/signup")
    password = "a long enough secret for the sign-up"
    response = _forged(
        client,
        "POST",
        "/ko/account/signup",
        data={
            "csrf_token": csrf(page.text),
            "email": "new@example.org",
            "name": "Dilnoza",
            "password": password,
            "password_again": password,
            "locale": "ko",
        },
    )
    assert response.status_code == 200
    (mail,) = queued_mail()
    assert any(link.startswith(SITE + "/ko/account/confirm/") for link in _links(mail.text))
    assert "evil.example" not in mail.text + mail.html


def test_a_registration_with_a_forged_host_mails_the_sites_links_and_calendar(site):
    api, headers = client_of(site), bearer(account("organizer@ichcap.org"))
    assert (
        api.post("/api/v1/events", json=event_body("webinar"), headers=headers).status_code == 201
    )
    assert api.post("/api/v1/events/webinar/publish", headers=headers).status_code == 200
    visitor = client_of(site)
    form = _forged(visitor, "GET", "/en/events/webinar/register")
    response = _forged(
        visitor,
        "POST",
        "/en/events/webinar/register",
        data={
            "csrf_token": csrf(form.text),
            "name": "Dilnoza Karimova",
            "email": "dilnoza@example.uz",
            "country": "UZ",
            "language": "en",
            "timezone": "Asia/Tashkent",
            "consent": "y",
        },
    )
    assert response.status_code == 302
    # The redirect itself stays relative: the browser resolves it against where it is.
    assert "evil.example" not in response.headers["Location"]
    run_worker_once()
    (mail,) = outbox()
    body = "".join(
        part.get_content() for part in mail.walk() if part.get_content_type() == "text/plain"
    )
    html = mail.get_body(("html",)).get_content()
    links = _links(body) + _links(html)
    assert any("/en/events/webinar" in link for link in links)
    assert any("/cancel" in link for link in links)
    assert all(link.startswith(SITE + "/") for link in links), links
    assert "evil.example" not in body + html
    (ics,) = [part for part in mail.iter_attachments() if part.get_filename() == "webinar.ics"]
    events = icalendar.Calendar.from_ical(ics.get_content()).walk("VEVENT")
    assert events and all(str(e["URL"]).startswith(SITE + "/en/events/webinar") for e in events)


def test_the_api_names_its_own_addresses_from_the_setting(site):
    api, headers = client_of(site), bearer(account("organizer@ichcap.org"))
    assert (
        api.post("/api/v1/events", json=event_body("webinar"), headers=headers).status_code == 201
    )
    response = _forged(api, "GET", "/api/v1/events/webinar", headers=headers)
    assert response.status_code == 200
    assert "evil.example" not in response.text
    assert response.get_json()["calendar_url"].startswith(SITE + "/")


def test_links_built_outside_a_request_use_the_setting(site):
    assert absolute_url("pages.event", lang="ru", slug="webinar") == f"{SITE}/ru/events/webinar"
    site.config["BASE_URL"] = "https://example.org/kb"  # the site under a path
    assert absolute_url("pages.home", lang="en", _anchor="top") == "https://example.org/kb/en/#top"


def test_no_code_builds_a_link_from_the_request():
    """Every absolute link goes through kb.urls.absolute_url (which reads the setting)."""
    pattern = re.compile(r"_external\s*=\s*True|url_root|host_url|request\.host")
    offenders = []
    for folder, suffix in (("kb", "*.py"), ("templates", "*.*")):
        for path in sorted((ROOT / folder).rglob(suffix)):
            if path == ROOT / "kb" / "urls.py":
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if pattern.search(line) and "BASE_URL" not in line:
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_the_app_refuses_to_start_without_the_setting(monkeypatch, tmp_path):
    monkeypatch.delenv("KB_BASE_URL", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(ConfigError, match="KB_BASE_URL is not set"):
        load_config({"INSTANCE_PATH": str(tmp_path)})
    monkeypatch.setenv("KB_BASE_URL", "https://kb.example.org/")
    assert load_config({"INSTANCE_PATH": str(tmp_path)})["BASE_URL"] == "https://kb.example.org"
    for wrong in ("kb.example.org", "ftp://kb.example.org", "https://kb.example.org/?a=1"):
        monkeypatch.setenv("KB_BASE_URL", wrong)
        with pytest.raises(ConfigError, match="is not a site address"):
            load_config({"INSTANCE_PATH": str(tmp_path)})


def test_debug_runs_default_to_make_runs_address(monkeypatch, tmp_path):
    monkeypatch.delenv("KB_BASE_URL", raising=False)
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.setenv("FLASK_RUN_PORT", "5123")
    assert load_config({"INSTANCE_PATH": str(tmp_path)})["BASE_URL"] == "http://127.0.0.1:5123"


def test_the_cli_says_what_is_missing_without_a_traceback(monkeypatch, tmp_path):
    monkeypatch.delenv("KB_BASE_URL", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("KB_INSTANCE_PATH", str(tmp_path))
    result = CliRunner().invoke(FlaskGroup(create_app=_create_app), ["routes"])
    assert result.exit_code == 1
    assert "Error: KB_BASE_URL is not set" in result.output and "Traceback" not in result.output


def test_the_makefile_gives_make_run_its_own_address():
    makefile = (ROOT / "Makefile").read_text()
    assert "db run: export KB_BASE_URL ?= http://127.0.0.1:$(PORT)" in makefile


@pytest.mark.parametrize("wrong", ["-1", "one"])
def test_a_wrong_proxy_count_is_refused(monkeypatch, tmp_path, wrong):
    monkeypatch.setenv("KB_TRUSTED_PROXIES", wrong)
    with pytest.raises(ConfigError, match="KB_TRUSTED_PROXIES"):
        load_config({"INSTANCE_PATH": str(tmp_path), "TESTING": True})


def _whoami_app(backend, tmp_path: Path, proxies: int):
    instance = tmp_path / f"proxies-{proxies}"
    app = make_app(instance, backend.fresh("empty", instance), TRUSTED_PROXIES=proxies)
    app.config["BASE_URL"] = SITE

    @app.get("/_whoami")
    def whoami():
        return jsonify(
            addr=request.remote_addr,
            scheme=request.scheme,
            host=request.host,
            link=absolute_url("pages.home", lang="en"),
        )

    return app


def test_behind_one_proxy_the_client_address_and_scheme_come_from_it(backend, tmp_path):
    headers = {
        "X-Forwarded-For": "198.51.100.7, 203.0.113.9",  # a forged hop, then nginx's entry
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "evil.example",
    }
    behind = _whoami_app(backend, tmp_path, 1).test_client()
    seen = behind.get("/_whoami", headers=headers, base_url="http://kb.internal").get_json()
    assert seen == {
        "addr": "203.0.113.9",  # only the hop nginx appended is believed
        "scheme": "https",
        "host": "kb.internal",  # X-Forwarded-Host is never applied
        "link": f"{SITE}/en/",
    }
    direct = _whoami_app(backend, tmp_path, 0).test_client()
    seen = direct.get("/_whoami", headers=headers, base_url="http://kb.internal").get_json()
    assert seen["addr"] == "127.0.0.1" and seen["scheme"] == "http"
