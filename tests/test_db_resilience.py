"""Dropped database connections: the next request is not a 500, reads are retried once,
and a write cut off mid-way is answered honestly and can be sent again safely.

PostgreSQL only: the server terminates the app's connections (`pg_terminate_backend`),
as a restart or a fail-over would. Only this test's own connections are terminated (they
carry an application_name of their own), so runs sharing the server are left alone.
"""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from kb.extensions import db
from kb.models import Registration
from tests.conftest import PG_URL, make_app
from tests.eventkit import person
from tests.factories import create_event

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (KB_TEST_DATABASE_URL)")


def test_pool_pre_ping_is_on(app):
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
    assert db.engine.pool._pre_ping


@pytest.fixture
def dropping(app, backend, tmp_path):
    """A second app on the same database whose connections the test can terminate."""
    name = f"kbtest-drop-{os.getpid()}"
    config = backend.fresh("empty", tmp_path / "drop")
    options = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])
    options["connect_args"] = {**options["connect_args"], "application_name": name}
    other = make_app(tmp_path / "drop", {**config, "SQLALCHEMY_ENGINE_OPTIONS": options})

    def terminate(pid: int | None = None) -> int:
        query = "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity WHERE "
        query += "pid = :pid" if pid else "application_name = :name"
        with backend.engine.begin() as conn:
            return conn.execute(sa.text(query), {"pid": pid, "name": name}).scalar()

    yield other, terminate
    with other.app_context():
        db.engine.dispose()


def test_after_the_server_drops_every_connection_the_next_request_is_not_a_500(app, dropping):
    other, terminate = dropping
    create_event(slug="webinar")
    client = other.test_client()
    assert client.get("/en/events/webinar").status_code == 200
    for url in ("/en/", "/api/v1/events/webinar", "/en/events/", "/events.ics"):
        assert terminate() >= 1  # the pooled connection is gone
        assert client.get(url).status_code == 200, url
    assert terminate() >= 1
    response = client.post("/api/v1/events/webinar/registrations", json=person("a@example.org"))
    assert response.status_code == 201, response.get_json()


def _cut_on(other, starts: str, terminate) -> list[str]:
    """Terminate the connection running the next statement that starts with `starts`."""
    fired: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if not fired and statement.lstrip().upper().startswith(starts):
            fired.append(statement)
            terminate(conn.connection.dbapi_connection.info.backend_pid)

    with other.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", before)
    return fired


def test_a_read_whose_connection_breaks_mid_request_is_run_again(app, dropping):
    other, terminate = dropping
    create_event(slug="webinar", title={"en": "Webinar on living heritage"})
    client = other.test_client()
    assert client.get("/en/").status_code == 200
    fired = _cut_on(other, "SELECT", terminate)
    response = client.get("/en/events/webinar")
    assert fired, "no statement was cut off"
    assert response.status_code == 200 and "Webinar on living heritage" in response.text


def test_a_registration_cut_off_mid_write_is_answered_honestly_and_a_retry_is_safe(app, dropping):
    other, terminate = dropping
    create_event(slug="webinar")
    client = other.test_client()
    url = "/api/v1/events/webinar/registrations"
    assert client.get("/api/v1/events/webinar").status_code == 200
    fired = _cut_on(other, "INSERT INTO REGISTRATION", terminate)
    response = client.post(url + "?lang=ru", json=person("aigerim@example.org"))
    assert fired, "the insert was not cut off"
    assert response.status_code == 503 and "Retry-After" in response.headers
    error = response.get_json()["error"]
    assert error["code"] == "database_unavailable" and "безопасно" in error["message"]

    again = client.post(url, json=person("aigerim@example.org"))
    assert again.status_code == 201, again.get_json()
    once_more = client.post(url, json=person("aigerim@example.org"))
    assert once_more.status_code == 409
    assert once_more.get_json()["error"]["code"] == "already_registered"
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 1
