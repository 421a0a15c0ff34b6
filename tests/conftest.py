"""Fixtures: an app per test on a fresh database, a read-only seeded app, a CLI runner.

The same tests run on SQLite (default) and on PostgreSQL when KB_TEST_DATABASE_URL is
set. On PostgreSQL each test run works in schemas of its own (named after the process),
so several runs can share one server.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from kb import create_app
from kb.config import ROOT
from kb.extensions import db
from kb.models import SearchIndex
from tests.browserkit import browser, live_url  # noqa: F401  (fixtures of the browser tests)

PG_URL = os.environ.get("KB_TEST_DATABASE_URL")


def _pg_options(schema: str) -> dict:
    return {"connect_args": {"options": f"-csearch_path={schema}"}}


class SQLiteBackend:
    """Template database files built once, copied for each test."""

    def __init__(self, root: Path):
        self.root = root

    def config(self, name: str, instance: Path) -> dict:
        return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'kb.db'}"}

    def template_config(self, name: str) -> dict:
        return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{self.root / (name + '.db')}"}

    def fresh(self, name: str, instance: Path) -> dict:
        instance.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.root / f"{name}.db", instance / "kb.db")
        return self.config(name, instance)

    def reset(self, app) -> None:
        pass

    def close(self) -> None:
        pass


class PostgresBackend:
    """One schema per template; tests on the empty one truncate it afterwards."""

    def __init__(self, url: str):
        self.url = url
        self.prefix = f"kbtest_{os.getpid()}"
        self.engine = sa.create_engine(url)

    def template_config(self, name: str) -> dict:
        schema = f"{self.prefix}_{name}"
        with self.engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        return {
            "SQLALCHEMY_DATABASE_URI": self.url,
            "SQLALCHEMY_ENGINE_OPTIONS": _pg_options(schema),
        }

    def fresh(self, name: str, instance: Path) -> dict:
        schema = f"{self.prefix}_{name}"
        return {
            "SQLALCHEMY_DATABASE_URI": self.url,
            "SQLALCHEMY_ENGINE_OPTIONS": _pg_options(schema),
        }

    def reset(self, app) -> None:
        # The database's identity survives (the template's empty index names it); the
        # log starts again from 1 and nothing counts as pruned.
        with app.app_context():
            db.session.remove()
            kept = {"search_log_state"}
            tables = ", ".join(
                f'"{t.name}"' for t in db.metadata.sorted_tables if t.name not in kept
            )
            with db.engine.begin() as conn:
                conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
                conn.execute(sa.text("UPDATE search_log_state SET pruned_through = 0"))
            db.engine.dispose()

    def close(self) -> None:
        with self.engine.begin() as conn:
            for name in ("empty", "seeded"):
                conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{self.prefix}_{name}" CASCADE'))
        self.engine.dispose()


def base_config(instance: Path) -> dict:
    """Settings every test app shares."""
    instance.mkdir(parents=True, exist_ok=True)
    return {
        "TESTING": True,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "test-secret",
        "INDEX_DIR": str(instance / "index"),
        "OUTBOX_DIR": str(instance / "outbox"),
        "MAIL_URL": None,
        # One round of PBKDF2 instead of scrypt: the suite makes thousands of accounts,
        # and half its time went into hashing their passwords.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
    }


def make_app(instance: Path, db_config: dict, **overrides):
    """An app on the given database."""
    return create_app({**base_config(instance), **db_config, **overrides})


def _build_template(backend, name: str, tmp_path_factory, seed: bool) -> Path:
    """Build a template database; returns its search index directory (built with it)."""
    from kb.search import reindex
    from kb.seed import load_seed

    instance = tmp_path_factory.mktemp(f"tpl-{name}")
    app = make_app(instance, backend.template_config(name))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        if seed:
            load_seed(ROOT / "seed_data")
        reindex()  # the index that mirrors the template (marked with its identity)
        # Its copies register as indexes of their own; the template's would hold pruning.
        db.session.execute(sa.delete(SearchIndex))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return instance / "index"


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    """Compile translations/*.po so the suite never runs on stale or missing .mo files."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (ROOT / "translations").glob("*/LC_MESSAGES/messages.po"):
        with open(po, "rb") as f:
            catalog = read_po(f)
        # Written aside, then moved in place: `make test` runs two suites at once, and the
        # other one must never read a half-written catalogue.
        mo = po.with_suffix(".mo")
        part = mo.with_name(f".{mo.stem}-{os.getpid()}.mo")  # ignored by git, as *.mo
        with open(part, "wb") as f:
            write_mo(f, catalog)
        os.replace(part, mo)


@pytest.fixture(scope="session")
def backend(tmp_path_factory):
    """The database backend, with the empty (migrated) template built."""
    backend = (
        PostgresBackend(PG_URL) if PG_URL else SQLiteBackend(tmp_path_factory.mktemp("templates"))
    )
    backend.empty_index = _build_template(backend, "empty", tmp_path_factory, seed=False)
    yield backend
    backend.close()


@pytest.fixture(scope="session")
def seeded_backend(backend, tmp_path_factory):
    """The backend with the seeded template (and its search index) built too, once per run."""
    backend.seeded_index = _build_template(backend, "seeded", tmp_path_factory, seed=True)
    return backend


def empty_index(backend, instance: Path) -> None:
    """A copy of the empty template's index (it mirrors the empty database) for an app."""
    shutil.copytree(backend.empty_index, instance / "index", symlinks=True)
    (instance / "index" / "index-id").unlink(missing_ok=True)  # each copy is an index of its own


@pytest.fixture
def app(backend, tmp_path):
    """An app on a fresh, empty (migrated) database, with an index that mirrors it."""
    config = backend.fresh("empty", tmp_path / "instance")
    empty_index(backend, tmp_path / "instance")
    app = make_app(tmp_path / "instance", config)
    with app.app_context():
        yield app
        db.session.remove()
    backend.reset(app)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A test client of `app`."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner of `app`."""
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def seeded_app(seeded_backend, tmp_path_factory):
    """An app on the seeded database, shared by the whole run: read from it, never write."""
    instance = tmp_path_factory.mktemp("seeded")
    app = make_app(
        instance,
        seeded_backend.fresh("seeded", instance),
        INDEX_DIR=str(seeded_backend.seeded_index),
    )
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def seeded_client(seeded_app):
    """A test client of the seeded app."""
    return seeded_app.test_client()


class SMTPInbox:
    """What a real (aiosmtpd) SMTP server received during a test."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        from email import message_from_bytes
        from email.policy import default

        self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 OK"


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free local port; yields (url, inbox)."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = SMTPInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield f"smtp://127.0.0.1:{port}", inbox
    controller.stop()


@pytest.fixture
def run_worker_once():
    """One round of `kb worker`'s tasks in the test's thread (see tests/workerkit.py)."""
    from tests.workerkit import run_worker_once

    return run_worker_once


class SilentServer:
    """A mail server that accepts connections and never says a word."""

    def __init__(self):
        import socket
        import threading

        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"smtp://127.0.0.1:{self.sock.getsockname()[1]}"
        self.connections = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:  # closed
                return
            self.connections.append(conn)

    def close(self):
        self.sock.close()
        for conn in self.connections:
            conn.close()


@pytest.fixture
def silent_smtp():
    """A mail server that accepts connections and never answers (yields it)."""
    server = SilentServer()
    yield server
    server.close()
