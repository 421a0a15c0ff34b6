"""`kb worker`: requests only enqueue; the worker delivers, indexes, beats, and stops cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from kb.config import ROOT
from kb.extensions import db
from kb.models import OutboxMessage, WorkerHeartbeat
from kb.search import search
from kb.worker import Worker, heartbeat
from kb.worker.tasks import Task
from tests.eventkit import account, bearer, client_of, event_body, person
from tests.factories import create_element


def slugs(query: str) -> list[str]:
    return [hit.slug for hit in search(query, per_page=50).items]


def _published_event(app, slug="webinar"):
    organizer = account(f"organizer-{slug}@ichcap.org")
    api, headers = client_of(app), bearer(organizer)
    assert api.post("/api/v1/events", json=event_body(slug), headers=headers).status_code == 201
    assert api.post(f"/api/v1/events/{slug}/publish", headers=headers).status_code == 200
    return api


def test_a_request_that_queues_mail_never_talks_to_the_mail_server(
    app, silent_smtp, run_worker_once
):
    app.config.update(MAIL_URL=silent_smtp.url, MAIL_TIMEOUT=0.3)
    api = _published_event(app)
    response = api.post("/api/v1/events/webinar/registrations", json=person("a@example.org"))
    assert response.status_code == 201
    assert silent_smtp.connections == []  # the request only queued the confirmation
    message = db.session.scalar(sa.select(OutboxMessage))
    assert message.sent_at is None and message.attempts == 0

    run_worker_once("mail")  # the worker meets the silent server, not the request
    assert len(silent_smtp.connections) == 1
    assert message.sent_at is None and message.attempts == 1
    assert "timed out" in message.last_error


def test_a_commit_never_writes_the_index_the_worker_does(app, run_worker_once):
    run_worker_once("search")
    create_element(slug="zarafshan-lullaby", name={"en": "Zarafshan lullaby"})
    assert slugs("lullaby") == []  # committed, not yet applied
    run_worker_once("search")
    assert slugs("lullaby") == ["zarafshan-lullaby"]


def test_a_commit_asks_for_the_worker_once_it_is_committed(app):
    from kb import uow

    create_element(slug="pending", name={"en": "Pending"}, commit=False)
    assert uow.pending(db.session()) == ["wake the worker: search"]
    db.session.rollback()
    assert uow.pending(db.session()) == []  # a rollback drops it
    create_element(slug="kept", name={"en": "Kept"})
    assert uow.pending(db.session()) == []  # run at the commit


def test_a_failing_task_is_recorded_and_retried_later_without_stopping_the_worker(app):
    def broken():
        raise ConnectionError("the database went away")

    worker = Worker(app, [Task("broken", "x", "WORKER_SEARCH_SECONDS", broken)])
    first = worker.run_task("broken")
    assert first["did"] is None and "database went away" in first["error"]
    second = worker.run_task("broken")
    assert second["error"] and worker._failures["broken"] == 2
    now = time.monotonic()
    assert not worker._due("broken", now)  # waits (1 s, then 2 s, … up to the maximum)
    worker.wake("broken")
    assert worker._due("broken", now)  # a commit's wake-up runs it at once


def test_an_unreachable_database_is_reported_not_raised(app, tmp_path):
    from tests.conftest import make_app

    gone = make_app(
        tmp_path / "other",
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'missing-dir' / 'kb.db'}"},
    )
    worker = Worker(gone)
    results = worker.step(["mail", "links"])
    assert all(r["error"] and "OperationalError" in r["error"] for r in results.values())
    worker._beat()  # the heartbeat cannot be written either: logged, not raised


def test_the_heartbeat_says_who_runs_and_whether_it_is_alive(app):
    assert heartbeat.latest() == [] and not heartbeat.alive()
    heartbeat.beat({"mail": {"at": "now", "did": "0 sent, 0 not sent", "error": None}})
    (row,) = heartbeat.latest()
    assert row.pid == os.getpid() and row.host and row.tasks["mail"]["did"].startswith("0 sent")
    assert heartbeat.alive()
    heartbeat.beat({}, stopped=True)
    assert not heartbeat.alive() and heartbeat.latest()[0].stopped_at is not None


def test_kb_worker_once_runs_every_task(app, runner):
    create_element(slug="once", name={"en": "Once"})
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert [line.split(":")[0] for line in result.output.splitlines()] == [
        "mail",
        "search",
        "merge",
        "links",
        "notices",
    ]
    assert slugs("once") == ["once"]


def _database_url(app) -> str:
    """The test database's URL for another process (PostgreSQL: with its schema)."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    options = app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}).get("connect_args", {})
    if options.get("options"):
        url += "?options=" + quote(options["options"])
    return url


def _wait(condition, what: str, seconds: float = 30):
    """Wait for another process to do something (a deadline, not a timing assertion)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting: {what}")
        time.sleep(0.05)
        db.session.rollback()


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_the_worker_process_beats_wakes_on_commit_and_stops_cleanly(app, stop_signal):
    instance = Path(app.config["INSTANCE_PATH"])
    env = {
        **os.environ,
        "KB_INSTANCE_PATH": str(instance),
        "KB_DATABASE_URL": _database_url(app),
        "KB_INDEX_DIR": app.config["INDEX_DIR"],
        "KB_SECRET_KEY": "test-secret",
        "KB_BASE_URL": app.config["BASE_URL"],
        # Nothing runs on a schedule after the first round: only a commit's wake-up.
        "KB_WORKER_SEARCH_SECONDS": "3600",
        "KB_WORKER_MAIL_SECONDS": "3600",
        "KB_WORKER_HEARTBEAT_SECONDS": "0.2",
    }
    kb = str(Path(sys.executable).parent / "kb")
    proc = subprocess.Popen(
        [kb, "worker"], env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:

        def searched() -> bool:
            row = db.session.scalar(sa.select(WorkerHeartbeat))
            return row is not None and "search" in row.tasks

        _wait(searched, "the worker's first round")
        assert heartbeat.alive()
        create_element(slug="woken", name={"en": "Woken lullaby"})  # wakes the worker
        _wait(lambda: slugs("lullaby") == ["woken"], "the worker to apply the change")
        proc.send_signal(stop_signal)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    output = proc.stdout.read().decode()
    assert "stopped" in output, output
    row = db.session.scalar(sa.select(WorkerHeartbeat))
    assert row.stopped_at is not None and not heartbeat.alive()
    assert "1 applied" in row.tasks["search"]["did"]
