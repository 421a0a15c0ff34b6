"""`kb backup` and `kb restore`: a site restored into an empty instance is the same site.

On SQLite by default; in the PostgreSQL pass (KB_TEST_DATABASE_URL) through pg_dump and
pg_restore, on two databases of the test's own, dropped at the end.
"""

from __future__ import annotations

import json
import os
import secrets
import stat

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from kb.backup import BackupError, check_versions
from kb.config import ROOT
from kb.extensions import db
from kb.search import search
from tests.conftest import make_app
from tests.eventkit import account, bearer, client_of, event_body, person
from tests.factories import create_element, create_organization

PG_URL = os.environ.get("KB_TEST_DATABASE_URL")


@pytest.fixture
def databases(tmp_path):
    """Two database URLs: the site's, and the empty one to restore into."""
    if not PG_URL:
        yield (
            f"sqlite:///{tmp_path / 'site' / 'kb.db'}",
            f"sqlite:///{tmp_path / 'new' / 'kb.db'}",
        )
        return
    names = [f"kbbackup_{os.getpid()}_{secrets.token_hex(3)}_{n}" for n in ("site", "new")]
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(PG_URL)
    yield tuple(url.set(database=n).render_as_string(hide_password=False) for n in names)
    with admin.connect() as conn:
        for name in names:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _rows() -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order, but the worker's heartbeats and the
    search index's bookkeeping (the restore rebuilds the index, which consumes it)."""
    return {
        table.name: [
            tuple(row)
            for row in db.session.execute(
                sa.select(table).order_by(*table.primary_key.columns)
            ).all()
        ]
        for table in db.metadata.sorted_tables
        if table.name != "worker_heartbeat" and not table.name.startswith("search_")
    }


def _build_site(app, run_worker_once):
    """A small site with records, accounts, an event with registrations, mail, a picture."""
    upgrade(directory=str(ROOT / "migrations"))
    create_organization(slug="ichcap", name={"en": "ICHCAP"})
    create_element(slug="zarafshan-lullaby", name={"en": "Zarafshan lullaby", "ru": "Колыбельная"})
    organizer = account("organizer@ichcap.org")
    headers = bearer(organizer)
    api = client_of(app)
    assert (
        api.post("/api/v1/events", json=event_body("webinar"), headers=headers).status_code == 201
    )
    assert api.post("/api/v1/events/webinar/publish", headers=headers).status_code == 200
    for email in ("a@example.org", "b@example.org"):
        response = api.post("/api/v1/events/webinar/registrations", json=person(email))
        assert response.status_code == 201
    run_worker_once("mail")  # the confirmations, written to outbox/ as files
    images = os.path.join(app.config["IMAGES_DIR"], "ab")
    os.makedirs(images)
    with open(os.path.join(images, "ab12-large.jpg"), "wb") as f:
        f.write(b"\xff\xd8 a picture's bytes")
    with open(os.path.join(app.config["INSTANCE_PATH"], "secret_key"), "w") as f:
        f.write("the site's own key")
    return headers


def test_a_restored_site_has_every_record_account_and_registration(
    databases, tmp_path, run_worker_once
):
    site_url, new_url = databases
    site = make_app(tmp_path / "site", {"SQLALCHEMY_DATABASE_URI": site_url})
    with site.app_context():
        headers = _build_site(site, run_worker_once)
        before = _rows()
        assert len(before["account"]) == 1 and len(before["registration"]) == 2
        result = site.test_cli_runner().invoke(args=["backup", str(tmp_path / "backup")])
        assert result.exit_code == 0, result.output
        db.engine.dispose()

    backup = tmp_path / "backup"
    assert stat.S_IMODE(backup.stat().st_mode) == 0o700  # it holds the key and the accounts
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["counts"]["registration"] == 2
    assert sorted(manifest["files"]) == ["images", "outbox", "secret_key"]
    assert not (backup / "index").exists()  # rebuilt on restore, never copied

    new = make_app(tmp_path / "new", {"SQLALCHEMY_DATABASE_URI": new_url})
    with new.app_context():
        result = new.test_cli_runner().invoke(args=["restore", str(backup)])
        assert result.exit_code == 0, result.output
        assert "rows restored and checked" in result.output
        assert _rows() == before

        # The index was rebuilt from the restored database.
        assert [hit.slug for hit in search("lullaby").items] == ["zarafshan-lullaby"]
        assert [hit.slug for hit in search("колыбельная").items] == ["zarafshan-lullaby"]
        # The organizer's token still works: accounts and their tokens came back.
        api = client_of(new)
        body = event_body("second-webinar")
        assert api.post("/api/v1/events", json=body, headers=headers).status_code == 201
        assert api.get("/en/elements/zarafshan-lullaby").status_code == 200

        instance = tmp_path / "new"
        assert (instance / "secret_key").read_text() == "the site's own key"
        assert (
            (tmp_path / "new" / "images" / "ab" / "ab12-large.jpg").read_bytes().startswith(b"\xff")
        )
        assert len(list((instance / "outbox").glob("*.eml"))) == 2

        # A restore never goes over a site: the database now has tables.
        again = new.test_cli_runner().invoke(args=["restore", str(backup)])
        assert again.exit_code != 0 and "not empty" in again.output
        db.engine.dispose()


def test_a_backup_never_writes_into_a_folder_with_files(app, runner, tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "something").write_text("x")
    result = runner.invoke(args=["backup", str(tmp_path / "full")])
    assert result.exit_code != 0 and "not an empty directory" in result.output
    result = runner.invoke(args=["restore", str(tmp_path / "full")])
    assert result.exit_code != 0 and "not a backup" in result.output


def test_pg_dump_older_than_the_server_is_refused():
    check_versions("pg_dump", 15, 15, "a PostgreSQL server of version")
    check_versions("pg_dump", 16, 15, "a PostgreSQL server of version")
    with pytest.raises(BackupError, match="postgresql-client-16"):
        check_versions("pg_dump", 15, 16, "a PostgreSQL server of version")
