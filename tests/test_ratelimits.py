"""Rate limits: settings, per client behind a proxy, per e-mail address, store down.

Issue 8, finding 9: behind a reverse proxy every client shared one bucket (one person
locked everyone out of registration); with Redis down every rate-limited POST answered
500; the registration limit was not a setting.
"""

from __future__ import annotations

import logging
import socket

import pytest

from kb.config import ConfigError, load_config
from kb.extensions import db
from kb.ratelimits import LIMITS
from tests.conftest import make_app
from tests.eventkit import account, bearer, client_of, event_body, person
from tests.journeys import csrf_token

REGISTER = "/api/v1/events/webinar/registrations"


@pytest.fixture
def own_apps(backend):
    """Apps with settings of their own, their database emptied afterwards (PostgreSQL's
    test schema is shared by the tests, unlike SQLite's copied files)."""
    made = []
    yield made
    for app in made:
        backend.reset(app)
        with app.app_context():
            db.engine.dispose()


def _app(backend, tmp_path, name: str, own_apps: list | None = None, **overrides):
    instance = tmp_path / name
    app = make_app(instance, backend.fresh("empty", instance), **overrides)
    if own_apps is not None:
        own_apps.append(app)
    return app


def _login_attempts(client, n: int, email="a@example.org", **kw) -> list[int]:
    token = csrf_token(client.get("/en/account/login", **kw).text)
    return [
        client.post(
            "/en/account/login",
            data={"csrf_token": token, "email": email, "password": "wrong"},
            **kw,
        ).status_code
        for _ in range(n)
    ]


def test_every_limit_is_a_setting_and_a_wrong_one_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("KB_RATELIMIT_REGISTRATION", "3 per day")
    monkeypatch.setenv("KB_RATELIMIT_LOGIN", "7/minute")
    config = load_config({"INSTANCE_PATH": str(tmp_path), "TESTING": True})
    assert config["LIMITS"]["RATELIMIT_REGISTRATION"] == "3 per day"
    assert config["LIMITS"]["RATELIMIT_LOGIN"] == "7/minute"
    assert config["LIMITS"]["RATELIMIT_SIGNUP"] == LIMITS["RATELIMIT_SIGNUP"]
    monkeypatch.setenv("KB_RATELIMIT_SIGNUP", "lots")
    with pytest.raises(ConfigError, match="KB_RATELIMIT_SIGNUP='lots' is not a rate limit"):
        load_config({"INSTANCE_PATH": str(tmp_path), "TESTING": True})


def test_the_registration_limit_follows_its_setting(app):
    app.config["LIMITS"]["RATELIMIT_REGISTRATION"] = "1 per hour"
    api, headers = client_of(app), bearer(account("organizer@ichcap.org"))
    assert (
        api.post("/api/v1/events", json=event_body("webinar"), headers=headers).status_code == 201
    )
    assert api.post("/api/v1/events/webinar/publish", headers=headers).status_code == 200
    visitor = client_of(app)
    assert visitor.post(REGISTER, json=person("a@example.org")).status_code == 201
    assert visitor.post(REGISTER, json=person("b@example.org")).status_code == 429


def test_behind_a_trusted_proxy_each_client_has_its_own_bucket(backend, tmp_path, own_apps):
    app = _app(backend, tmp_path, "proxied", own_apps, TRUSTED_PROXIES=1)
    app.config["LIMITS"]["RATELIMIT_LOGIN"] = "3 per minute"
    app.config["LIMITS"]["RATELIMIT_LOGIN_EMAIL"] = "100 per minute"
    with app.app_context():
        first = client_of(app)
        nginx = {"X-Forwarded-For": "198.51.100.1"}
        assert _login_attempts(first, 4, headers=nginx) == [422, 422, 422, 429]
        second = client_of(app)  # another person behind the same nginx
        other = {"X-Forwarded-For": "198.51.100.2"}
        assert _login_attempts(second, 1, headers=other) == [422]
        # A client cannot pick a fresh bucket by sending its own X-Forwarded-For first:
        # only the hop nginx appended counts.
        forged = {"X-Forwarded-For": "203.0.113.77, 198.51.100.1"}
        assert _login_attempts(first, 1, headers=forged) == [429]


def test_without_trusted_proxies_a_forwarded_for_header_is_ignored(backend, tmp_path, own_apps):
    app = _app(backend, tmp_path, "direct", own_apps)
    app.config["LIMITS"]["RATELIMIT_LOGIN"] = "2 per minute"
    app.config["LIMITS"]["RATELIMIT_LOGIN_EMAIL"] = "100 per minute"
    with app.app_context():
        client = client_of(app)
        statuses = _login_attempts(client, 2, headers={"X-Forwarded-For": "198.51.100.1"})
        statuses += _login_attempts(client, 1, headers={"X-Forwarded-For": "198.51.100.2"})
        assert statuses == [422, 422, 429]


def test_log_in_attempts_on_one_account_are_limited_from_any_address(backend, tmp_path, own_apps):
    app = _app(backend, tmp_path, "by-email", own_apps, TRUSTED_PROXIES=1)
    app.config["LIMITS"]["RATELIMIT_LOGIN_EMAIL"] = "3 per hour"
    with app.app_context():
        statuses = [
            _login_attempts(
                client_of(app),
                1,
                email="Curator@Example.org" if n % 2 else "curator@example.org",
                headers={"X-Forwarded-For": f"198.51.100.{n}"},
            )[0]
            for n in range(4)
        ]
        assert statuses == [422, 422, 422, 429]
        # Another account from one of those addresses is not held up.
        other = _login_attempts(
            client_of(app), 1, email="b@example.org", headers={"X-Forwarded-For": "198.51.100.1"}
        )
        assert other == [422]


def test_reset_mails_to_one_address_are_limited_whoever_asks(backend, tmp_path, own_apps):
    app = _app(backend, tmp_path, "mails", own_apps, TRUSTED_PROXIES=1)
    app.config["LIMITS"]["RATELIMIT_MAIL_EMAIL"] = "2 per hour"
    with app.app_context():
        statuses = []
        for n in range(3):
            client = client_of(app)
            headers = {"X-Forwarded-For": f"198.51.100.{n}"}
            token = csrf_token(client.get("/en/account/reset", headers=headers).text)
            statuses.append(
                client.post(
                    "/en/account/reset",
                    data={"csrf_token": token, "email": "nobody@example.org"},
                    headers=headers,
                ).status_code
            )
        assert statuses == [200, 200, 429]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: nothing listens


def test_with_the_limit_store_down_requests_are_counted_in_memory_not_failed(
    backend, tmp_path, caplog, monkeypatch, own_apps
):
    # Alembic's fileConfig (the test databases' migrations) disables existing loggers.
    monkeypatch.setattr(logging.getLogger("kb.ratelimit"), "disabled", False)
    store = f"redis://127.0.0.1:{_closed_port()}"
    app = _app(backend, tmp_path, "store-down", own_apps, RATELIMIT_STORAGE_URI=store)
    app.config["LIMITS"]["RATELIMIT_LOGIN"] = "3 per minute"
    with app.app_context(), caplog.at_level(logging.WARNING, logger="kb.ratelimit"):
        api, headers = client_of(app), bearer(account("organizer@ichcap.org"))
        assert api.post("/api/v1/events", json=event_body("webinar"), headers=headers).status_code
        assert api.post("/api/v1/events/webinar/publish", headers=headers).status_code == 200
        assert client_of(app).post(REGISTER, json=person("a@example.org")).status_code == 201
        # Still limited, in this process's memory.
        assert _login_attempts(client_of(app), 4) == [422, 422, 422, 429]
        client = client_of(app)
        token = csrf_token(client.get("/en/account/signup").text)
        signup = client.post("/en/account/signup", data={"csrf_token": token, "email": "x"})
        assert signup.status_code == 422
    warnings = [r.getMessage() for r in caplog.records if r.name == "kb.ratelimit"]
    assert any("falling back to in-memory storage" in w for w in warnings), warnings
