"""`kb backup DEST` and `kb restore SRC`: the database and the instance folder's files.

A backup is a directory (mode 0700: it holds the secret key and every account):

- `manifest.json`: when, from which database kind and migration, the row count of every
  table (checked after a restore), the pg_dump version;
- `database.sqlite` (SQLite's online backup API: consistent while the site runs) or
  `database.pgdump` (`pg_dump --format=custom`, one consistent snapshot);
- `secret_key` (when the instance keeps one), `images/` (every picture's files) and
  `outbox/` (the e-mails written as files when no mail server is set).

The search index is not in it: `kb restore` rebuilds it from the restored database.
A restore goes into an empty instance only (a database without the app's tables): it
never merges into or overwrites a site.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from kb.extensions import db
from kb.models import WorkerHeartbeat
from kb.models.base import utcnow

FORMAT = 1
FILES = ("images", "outbox")


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


# -- the database ------------------------------------------------------------------------


def _url() -> sa.engine.URL:
    return sa.engine.make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _kind(url: sa.engine.URL) -> str:
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(f"backups know SQLite and PostgreSQL, not {backend}")
    return backend


def _libpq(url: sa.engine.URL) -> tuple[str, dict]:
    """A libpq connection URI without the password, and the environment that carries it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _major(tool: str) -> int:
    """The major version of `pg_dump`/`pg_restore` on the PATH; refuses when missing."""
    path = shutil.which(tool)
    if not path:
        raise BackupError(
            f"{tool} is not installed: install PostgreSQL's client programs "
            "(Debian: postgresql-client) of the server's major version or newer"
        )
    out = subprocess.run([path, "--version"], capture_output=True, text=True, check=True).stdout
    match = re.search(r"\)\s*(\d+)", out)
    if not match:
        raise BackupError(f"cannot read the version of {tool} from {out.strip()!r}")
    return int(match.group(1))


def check_versions(tool: str, tool_major: int, needed_major: int, what: str) -> None:
    """Refuse a pg_dump/pg_restore older than the server or dump it must read."""
    if tool_major < needed_major:
        raise BackupError(
            f"{tool} {tool_major} cannot read {what} {needed_major}: install "
            f"postgresql-client-{needed_major} (or newer) and put its {tool} first on the PATH"
        )


def _server_major() -> int:
    return int(db.session.execute(sa.text("SHOW server_version_num")).scalar()) // 10000


def _app_tables(bind=None) -> list[str]:
    """The app's tables that exist in the database (empty: a new instance)."""
    existing = set(sa.inspect(bind or db.engine).get_table_names())
    ours = {t.name for t in db.metadata.sorted_tables} | {"alembic_version"}
    return sorted(existing & ours)


def counts() -> dict[str, int]:
    """Rows per table of the app (a backup's manifest; what a restore must find)."""
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table)) or 0
        for table in db.metadata.sorted_tables
    }


def _revision() -> str | None:
    try:
        return db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except sa.exc.DBAPIError:
        db.session.rollback()
        return None


# -- backup ------------------------------------------------------------------------------


def _sqlite_copy(source_path: str | os.PathLike, target_path: str | os.PathLike) -> None:
    """Copy a SQLite database with SQLite's online backup (consistent while others write);
    the source is opened read-only."""
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    target = sqlite3.connect(target_path)
    try:
        with target:
            source.backup(target)
    finally:
        source.close()
        target.close()


def backup(dest: str | os.PathLike) -> dict:
    """Write a backup of this instance to the new directory `dest`; returns its manifest."""
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(f"{dest} exists and is not an empty directory: name a new one")
    url = _url()
    kind = _kind(url)
    if not _app_tables():
        raise BackupError("the database has no tables yet: there is nothing to back up")
    manifest = {
        "format": FORMAT,
        "created_at": utcnow().isoformat(),
        "database": kind,
        "revision": _revision(),
        "counts": counts(),
        "files": [],
    }
    db.session.rollback()  # no transaction of ours open while the copy is taken
    dest.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(dest, 0o700)
    if kind == "sqlite":
        _sqlite_copy(url.database, dest / "database.sqlite")
    else:
        server, dump = _server_major(), _major("pg_dump")
        db.session.rollback()
        check_versions("pg_dump", dump, server, "a PostgreSQL server of version")
        uri, env = _libpq(url)
        result = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
             f"--file={dest / 'database.pgdump'}", f"--dbname={uri}"],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        manifest.update(server_major=server, pg_dump_major=dump)
    instance = Path(current_app.config["INSTANCE_PATH"])
    if (instance / "secret_key").exists():
        shutil.copy2(instance / "secret_key", dest / "secret_key")
        os.chmod(dest / "secret_key", 0o600)
        manifest["files"].append("secret_key")
    for name, folder in (
        ("images", current_app.config["IMAGES_DIR"]),
        ("outbox", current_app.config["OUTBOX_DIR"]),
    ):
        if Path(folder).is_dir() and any(Path(folder).iterdir()):
            shutil.copytree(folder, dest / name)
            manifest["files"].append(name)
    (dest / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


# -- restore -----------------------------------------------------------------------------


def read_manifest(src: str | os.PathLike) -> dict:
    """The manifest of the backup at `src`; refuses what is not a backup of this format."""
    path = Path(src) / "manifest.json"
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(
            f"{src} is not a backup made by `kb backup` (no readable manifest)"
        ) from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{src} is a backup of format {manifest.get('format')}, not {FORMAT}")
    return manifest


def _empty_folder(folder: Path) -> bool:
    return not folder.exists() or not any(folder.iterdir())


def restore(src: str | os.PathLike) -> dict:
    """Restore the backup at `src` into this (empty) instance, then rebuild its index.

    Returns {"counts": rows per table, "indexed": the new index generation}.
    """
    from flask_migrate import upgrade

    from kb.search import reindex

    src = Path(src)
    manifest = read_manifest(src)
    url = _url()
    kind = _kind(url)
    if manifest["database"] != kind:
        raise BackupError(
            f"this is a {manifest['database']} backup and the instance's database is {kind}: "
            "a backup restores into the same kind of database"
        )
    found = _app_tables()
    if found:
        raise BackupError(
            f"the database is not empty (it has {', '.join(found[:3])}…): restore into a new, "
            "empty database (PostgreSQL: createdb; SQLite: a new KB_DATABASE_URL file)"
        )
    targets = {"images": Path(current_app.config["IMAGES_DIR"]),
               "outbox": Path(current_app.config["OUTBOX_DIR"])}  # fmt: skip
    for name in manifest["files"]:
        if name in targets and not _empty_folder(targets[name]):
            raise BackupError(f"{targets[name]} is not empty: restore into an empty instance")
    db.session.remove()
    db.engine.dispose()

    if kind == "sqlite":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(src / "database.sqlite", url.database)
    else:
        tool = _major("pg_restore")
        check_versions("pg_restore", tool, manifest.get("pg_dump_major", 0), "a dump of pg_dump")
        uri, env = _libpq(url)
        result = subprocess.run(
            ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
             "--single-transaction", f"--dbname={uri}", str(src / "database.pgdump")],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
    db.engine.dispose()

    restored = counts()
    missing = {t: n for t, n in manifest["counts"].items() if restored.get(t) != n}
    if missing:
        raise BackupError(f"the restored database differs from the backup's counts: {missing}")
    # Heartbeats describe worker processes of the backed-up host: not workers of this one.
    db.session.execute(sa.delete(WorkerHeartbeat))
    db.session.commit()
    upgrade(directory=current_app.config["MIGRATIONS_DIR"])  # a backup of an older version

    instance = Path(current_app.config["INSTANCE_PATH"])
    if "secret_key" in manifest["files"]:
        # The database was empty, so nothing was ever signed with the key this instance
        # may have generated on its first start: the site's own key takes its place.
        fd = os.open(instance / "secret_key", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write((src / "secret_key").read_text())
    for name, folder in targets.items():
        if name in manifest["files"]:
            shutil.copytree(src / name, folder, dirs_exist_ok=True)
    indexed = reindex()
    return {"counts": restored, "indexed": indexed}
