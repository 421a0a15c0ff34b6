"""`python -m kb.serve` (what `make serve` runs): gunicorn and `kb worker` on PostgreSQL.

Starts the real thing against the local PostgreSQL (a database of its own, dropped at the
end) and Redis, reached through a TCP relay the test can cut: pages, static files and
`/healthz` through gunicorn, the worker's heartbeat and index, a 503 while the database
is unreachable, and the refusal to start without the production settings.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from kb.config import ROOT
from kb.dbcheck import answers

PG_BASE = os.environ.get("KB_TEST_DATABASE_URL")
REDIS = ("127.0.0.1", 6379)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class Relay:
    """A TCP relay to PostgreSQL that the test can cut (as if the server stopped) and restore."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = _free_port()
        self.conns: list[socket.socket] = []
        self.server = None
        self.lock = threading.Lock()
        self.open()

    def open(self) -> None:
        self.server = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.server,), daemon=True).start()

    def _accept(self, server) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a, b) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        """Refuse new connections and drop every open one."""
        with contextlib.suppress(OSError):
            self.server.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
        self.server.close()
        with self.lock:
            for s in self.conns:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
            self.conns = []


def _get(url: str, timeout: float = 10) -> tuple[int, bytes, dict]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except OSError as exc:  # not listening yet
            last = exc
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


@pytest.fixture(scope="module")
def database():
    """A database of this run's own on the PostgreSQL server of the tests; skipped without.

    Only in the suite's PostgreSQL pass (`make test` runs it when a server answers): the
    production profile is PostgreSQL, and the test takes a couple of minutes.
    """
    if not PG_BASE or not PG_BASE.startswith("postgresql"):
        pytest.skip(
            "needs PostgreSQL: runs when KB_TEST_DATABASE_URL names one (make test-postgres)"
        )
    if not answers(PG_BASE):
        pytest.skip(f"PostgreSQL does not answer at {PG_BASE}")
    name = f"kbserve_{os.getpid()}_{secrets.token_hex(3)}"
    admin = sa.create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(PG_BASE)
    yield name, url.host or "127.0.0.1", url.port or 5432, url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _env(tmp: Path, db_url: str, port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(
        KB_INSTANCE_PATH=str(tmp / "instance"),
        KB_DATABASE_URL=db_url,
        KB_SECRET_KEY=secrets.token_urlsafe(40),
        KB_BASE_URL=f"http://127.0.0.1:{port}",
        KB_BIND=f"127.0.0.1:{port}",
        KB_WEB_WORKERS="2",  # a shared two-CPU test machine; production takes 2 per CPU
        KB_WORKER_HEARTBEAT_SECONDS="1",
        KB_WORKER_STALE_SECONDS="5",
    )
    if _redis_answers():
        env["KB_RATELIMIT_STORAGE_URL"] = f"redis://{REDIS[0]}:{REDIS[1]}"
    return env


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _serve(env: dict, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kb.serve", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.parametrize("missing", ["KB_SECRET_KEY", "KB_BASE_URL", "KB_DATABASE_URL"])
def test_refuses_to_start_without_production_settings(tmp_path, missing):
    env = _env(tmp_path, "postgresql+psycopg://postgres@127.0.0.1:1/none", _free_port())
    env.pop(missing)
    result = _serve(env)
    assert result.returncode == 2
    assert f"{missing} is not set" in result.stderr
    assert "refusing to start" in result.stderr
    assert not (tmp_path / "instance" / "secret_key").exists()  # nothing generated instead


def test_refuses_a_base_url_that_is_not_an_address(tmp_path):
    env = _env(tmp_path, "postgresql+psycopg://postgres@127.0.0.1:1/none", _free_port())
    env["KB_BASE_URL"] = "kb.example.org"
    result = _serve(env)
    assert result.returncode == 2 and "KB_BASE_URL must be an http(s) address" in result.stderr


def test_serves_pages_and_health_and_answers_503_without_the_database(database, tmp_path):
    name, host, port, url = database
    relay = Relay((host, port))
    db_url = url.set(host="127.0.0.1", port=relay.port, database=name).render_as_string(
        hide_password=False
    )
    web_port = _free_port()
    env = _env(tmp_path, db_url, web_port)
    base = f"http://127.0.0.1:{web_port}"

    # A new site: the schema by kb.serve itself; the seed (which queues every record for
    # the index) loaded once it is there, while both processes run.
    proc = subprocess.Popen(
        [sys.executable, "-m", "kb.serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    threading.Thread(target=lambda: output.extend(proc.stdout), daemon=True).start()
    try:
        _wait_for(lambda: _get(f"{base}/healthz")[0] == 200, 90, "gunicorn to answer")
        seeded = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "kb:create_app", "seed"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert seeded.returncode == 0, seeded.stderr

        # Two web workers under gunicorn's master, and the worker, under the supervisor.
        children = _children(proc.pid)
        assert len(children) == 2
        assert sorted(len(_children(c)) for c in children) == [0, 2]

        # The worker beats, and applies the seed's queued changes to its new index.
        def healthy():
            status, body, _ = _get(f"{base}/healthz")
            report = json.loads(body)
            c = report["components"]
            ready = (
                status == 200
                and report["status"] == "ok"
                and c["search"]["index"] == "present"
                and c["search"]["waiting"] == 0
            )
            return report if ready else None

        report = _wait_for(healthy, 120, "the worker to beat and index the seed")
        assert report["components"]["database"] == {"status": "ok"}
        assert report["components"]["worker"]["heartbeat_seconds"] < 5

        status, body, _ = _get(f"{base}/en/")
        assert status == 200 and b"Silk Roads" in body
        status, body, _ = _get(
            f"{base}/ru/search?q=%D1%84%D0%B5%D1%81%D1%82%D0%B8%D0%B2%D0%B0%D0%BB%D1%8C"
        )
        assert status == 200
        assert re.search(rb'href="/ru/festivals/[a-z0-9-]+"', body), "no festival found"
        # Static files carry their content's hash, so they can be cached for long.
        css = re.search(rb'href="(/static/[^"?]+\.css)\?v=([0-9a-f]{12})"', _get(f"{base}/en/")[1])
        assert css, "stylesheet link without a version"
        assert _get(f"{base}{css.group(1).decode()}?v={css.group(2).decode()}")[0] == 200

        # The database goes away: /healthz says so with 503; pages do not hang.
        relay.cut()
        status, body, _ = _get(f"{base}/healthz", timeout=30)
        assert status == 503
        assert json.loads(body)["components"]["database"] == {"status": "failing"}
        assert host not in body.decode() and name not in body.decode()

        # It comes back: so does the site, without a restart.
        relay.open()
        _wait_for(lambda: _get(f"{base}/healthz")[0] == 200, 60, "the database to be seen again")
        assert _get(f"{base}/en/")[0] == 200
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
        relay.cut()
    log = "".join(output)
    assert code == 0, log
    assert "stopping both" in log
    assert "worker: stopped" in log  # the worker's own clean stop, not a kill


def _gunicorn_settings(monkeypatch, **env) -> dict:
    for name in ("KB_BIND", "KB_WEB_WORKERS", "KB_WEB_THREADS", "KB_WEB_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings: dict = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), settings)  # as gunicorn reads it
    return settings


def test_gunicorn_takes_two_workers_per_cpu_unless_told(monkeypatch):
    cpus = len(os.sched_getaffinity(0))
    settings = _gunicorn_settings(monkeypatch)
    assert settings["workers"] == max(2, 2 * cpus)
    assert settings["bind"] == "127.0.0.1:8000" and settings["timeout"] == 30
    assert settings["forwarded_allow_ips"] == "" and settings["secure_scheme_headers"] == {}
    settings = _gunicorn_settings(monkeypatch, KB_WEB_WORKERS="7", KB_BIND="unix:/run/kb.sock")
    assert settings["workers"] == 7 and settings["bind"] == "unix:/run/kb.sock"
