"""`GET /healthz`: each component's state; 200 while pages can be served, 503 without a database."""

from __future__ import annotations

import json
from datetime import timedelta

from kb.extensions import db
from kb.mail import queue_mail
from kb.models import OutboxMessage, SearchChange
from kb.models.base import utcnow
from kb.worker import heartbeat
from tests.conftest import make_app


def _health(client):
    response = client.get("/healthz")
    assert response.headers["Cache-Control"] == "no-store"
    return response.status_code, response.get_json()


def test_a_fresh_site_serves_but_says_no_worker_beats(app, client, run_worker_once):
    run_worker_once("search")  # the worker's first round creates the index
    status, body = _health(client)
    assert status == 200
    assert body["components"]["database"] == {"status": "ok"}
    assert body["components"]["search"]["index"] == "present"
    assert body["components"]["search"]["status"] == "ok"
    assert body["components"]["outbox"] == {
        "status": "ok",
        "unsent": 0,
        "oldest_unsent_seconds": None,
    }
    assert body["components"]["worker"]["status"] == "degraded"
    assert body["components"]["worker"]["heartbeat_seconds"] is None
    assert body["status"] == "degraded"

    heartbeat.beat({})
    status, body = _health(client)
    assert status == 200 and body["status"] == "ok"
    assert body["components"]["worker"]["status"] == "ok"
    assert 0 <= body["components"]["worker"]["heartbeat_seconds"] < 5

    heartbeat.beat({}, stopped=True)
    status, body = _health(client)
    assert status == 200 and body["components"]["worker"]["status"] == "degraded"
    assert body["components"]["worker"]["stopped"] is True


def test_mail_that_does_not_go_out_degrades_and_names_no_one(app, client, run_worker_once):
    run_worker_once("search")
    heartbeat.beat({})
    queue_mail("someone.private@example.org", "Your registration", "text")
    db.session.commit()
    status, body = _health(client)
    assert body["components"]["outbox"]["status"] == "ok"  # young: the worker has time
    assert body["components"]["outbox"]["unsent"] == 1

    message = db.session.query(OutboxMessage).one()
    message.created_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    status, body = _health(client)
    assert status == 200 and body["status"] == "degraded"
    assert body["components"]["outbox"]["status"] == "degraded"
    assert body["components"]["outbox"]["oldest_unsent_seconds"] > 7000
    text = json.dumps(body)
    assert "someone.private" not in text and "registration" not in text.lower()


def test_a_missing_or_lagging_index_degrades(app, client, run_worker_once, tmp_path):
    heartbeat.beat({})
    app.config["INDEX_DIR"] = str(tmp_path / "nowhere")
    app.extensions["kb_search"].dir.root = tmp_path / "nowhere"
    status, body = _health(client)
    assert status == 200
    assert body["components"]["search"]["index"] == "missing"
    assert body["components"]["search"]["status"] == "degraded"
    assert not (tmp_path / "nowhere").exists()  # asking never creates an empty index

    run_worker_once("search")
    db.session.add(SearchChange(record_type="elements", record_id=1))
    db.session.commit()
    assert _health(client)[1]["components"]["search"]["status"] == "ok"
    db.session.query(SearchChange).update({"created_at": utcnow() - timedelta(minutes=10)})
    db.session.commit()
    status, body = _health(client)
    assert body["components"]["search"]["status"] == "degraded"
    assert body["components"]["search"]["waiting"] == 1


def test_an_unreachable_database_answers_503(tmp_path):
    app = make_app(
        tmp_path / "instance",
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'no' / 'such' / 'dir' / 'kb.db'}"},
    )
    status, body = _health(app.test_client())
    assert status == 503
    assert body["status"] == "failing"
    assert body["components"]["database"] == {"status": "failing"}
    assert {body["components"][c]["status"] for c in ("search", "outbox", "worker")} == {"unknown"}
    assert "no/such" not in json.dumps(body)  # no paths, hosts or error texts


def test_a_rate_limit_storage_that_does_not_answer_degrades(tmp_path, backend):
    app = make_app(
        tmp_path / "instance",
        backend.fresh("empty", tmp_path / "instance"),
        RATELIMIT_STORAGE_URI="redis://:hunter2@127.0.0.1:1",
    )
    status, body = _health(app.test_client())
    assert status == 200
    assert body["components"]["limits"] == {"status": "degraded", "storage": "redis"}
    assert "hunter2" not in json.dumps(body) and "127.0.0.1" not in json.dumps(body)
    backend.reset(app)


def test_limits_in_memory_are_ok(client):
    assert _health(client)[1]["components"]["limits"] == {"status": "ok", "storage": "memory"}
