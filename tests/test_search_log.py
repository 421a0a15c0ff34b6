"""The search change log and index integrity (issue 10 item 4, issue 9 item 5).

Several hosts, each with its own index directory, read one append-only log; each index
knows which database it mirrors and how far it has applied the log. A missing, foreign
or stale index is said to be rebuilt (never empty results) and rebuilt by the worker.
"""

from __future__ import annotations

import shutil
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from kb.extensions import db
from kb.models import SearchChange, SearchIndex, SearchLogState
from kb.search import SearchUnavailable, holder, log, marker, search
from kb.search.store import CURRENT
from tests.conftest import make_app
from tests.factories import create_element
from tests.journeys import fresh_client
from tests.workerkit import run_worker_once


def slugs(query: str) -> list[str]:
    return sorted(hit.slug for hit in search(query, {}, per_page=50).items)


@pytest.fixture
def host_b(app, tmp_path):
    """A second app host: the same database, an index directory of its own."""
    config = {
        key: app.config[key]
        for key in ("SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_ENGINE_OPTIONS")
        if key in app.config
    }
    other = make_app(tmp_path / "host-b", config, INDEX_DIR=str(tmp_path / "host-b" / "index"))
    yield other
    with other.app_context():
        db.engine.dispose()


@contextmanager
def on(host):
    """Act as `host` (its own session; the test's session is committed first)."""
    db.session.commit()
    with host.app_context():
        yield
        db.session.remove()
    db.session.expire_all()


def logged() -> list[int]:
    db.session.commit()
    return list(db.session.scalars(sa.select(SearchChange.seq).order_by(SearchChange.seq)))


def generation() -> str:
    return holder().dir.current_name()


def test_two_indexes_converge_including_after_one_was_offline(app, host_b, monkeypatch):
    create_element(slug="first-song", name={"en": "First lullaby"})
    run_worker_once("search")
    with on(host_b):
        assert "rebuilt" in run_worker_once("search")["search"]["did"]  # it had no index
        assert slugs("lullaby") == ["first-song"]
        b_generation = generation()

    create_element(slug="second-song", name={"en": "Second lullaby"})
    run_worker_once("search")
    with on(host_b):
        run_worker_once("search")
        assert slugs("lullaby") == ["first-song", "second-song"]

    # Host B goes offline; A applies (and would prune) on its own meanwhile.
    monkeypatch.setattr(log, "GAP_SECONDS", 0)  # prune as soon as every index has a change
    third = create_element(slug="third-song", name={"en": "Third lullaby"})
    db.session.delete(db.session.scalar(sa.select(type(third)).filter_by(slug="first-song")))
    db.session.commit()
    for _ in range(3):
        run_worker_once("search")
    assert slugs("lullaby") == ["second-song", "third-song"]
    kept = logged()
    assert kept, "changes B has not applied must stay in the log"

    with on(host_b):  # back online: it catches up from the log, no rebuild
        result = run_worker_once("search")["search"]["did"]
        assert "rebuilt" not in result and generation() == b_generation
        assert slugs("lullaby") == ["second-song", "third-song"]

    run_worker_once("search")  # now every registered index has every change: pruned
    assert logged() == []
    registered = db.session.scalars(sa.select(SearchIndex.applied)).all()
    assert len(registered) == 2 and len(set(registered)) == 1 and registered[0] >= max(kept)


def test_an_index_behind_the_retention_period_is_stale_and_rebuilt(
    app, host_b, runner, monkeypatch
):
    run_worker_once("search")
    with on(host_b):
        run_worker_once("search")
    create_element(slug="late-song", name={"en": "Late lullaby"})
    # B stays offline past the retention period: A forgets it and prunes the change.
    monkeypatch.setattr(log, "GAP_SECONDS", 0)
    app.config["SEARCH_LOG_RETENTION_DAYS"] = -1
    run_worker_once("search")
    app.config["SEARCH_LOG_RETENTION_DAYS"] = 7
    assert logged() == []
    assert db.session.scalar(sa.select(SearchLogState.pruned_through)) > 0

    with on(host_b):
        host_b.config["SEARCH_LOG_RETENTION_DAYS"] = 7
        result = host_b.test_cli_runner().invoke(args=["search", "status"])
        assert result.exit_code == 1 and "state: stale" in result.output
        with pytest.raises(SearchUnavailable):
            search("lullaby")
        assert "stale: rebuilt" in run_worker_once("search")["search"]["did"]
        assert slugs("lullaby") == ["late-song"]


def test_a_deleted_index_is_detected_served_as_rebuilding_and_rebuilt(app, runner):
    client = fresh_client(app)
    create_element(slug="kept-song", name={"en": "Kept lullaby"})
    run_worker_once("search")
    assert slugs("lullaby") == ["kept-song"]
    root = holder().dir.root
    shutil.rmtree(root)

    holder().health = None  # as a request would after CHECK_SECONDS
    with pytest.raises(SearchUnavailable):
        search("lullaby")
    assert not root.exists(), "a missing index is never recreated empty by a reader"
    page = client.get("/en/search?q=lullaby")
    assert page.status_code == 503 and "Search is being rebuilt" in page.text
    assert "Nothing found" not in page.text
    ru = client.get("/ru/search?q=lullaby")
    assert ru.status_code == 503 and "Поиск перестраивается" in ru.text
    api = client.get("/api/v1/search?q=lullaby")
    assert api.status_code == 503 and api.headers["Retry-After"]
    assert api.get_json()["error"]["code"] == "search_rebuilding"
    result = runner.invoke(args=["search", "status"])
    assert result.exit_code == 1 and "state: missing" in result.output
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code != 0 and "reindex" in result.output

    assert "missing: rebuilt" in run_worker_once("search")["search"]["did"]
    holder().health = None
    assert slugs("lullaby") == ["kept-song"]
    assert client.get("/api/v1/search?q=lullaby").get_json()["total"] == 1


def test_an_old_copy_moved_back_catches_up_from_its_marker(app, tmp_path):
    create_element(slug="old-song", name={"en": "Old lullaby"})
    run_worker_once("search")
    root = holder().dir.root
    aside = tmp_path / "aside"
    shutil.copytree(root, aside, symlinks=True)
    create_element(slug="new-song", name={"en": "New lullaby"})
    run_worker_once("search")
    shutil.rmtree(root)
    shutil.move(aside, root)  # the old index is back
    holder().close()
    holder().health = None
    result = run_worker_once("search")["search"]["did"]
    assert "rebuilt" not in result and result.startswith("1 applied")
    assert slugs("lullaby") == ["new-song", "old-song"]


def test_a_foreign_index_is_rebuilt(app):
    create_element(slug="ours", name={"en": "Our lullaby"})
    run_worker_once("search")
    gen_dir = holder().dir.root / generation()
    mark = marker.read(gen_dir)
    marker.write(gen_dir, marker.Marker("another-database", mark.last, {}))
    holder().health = None
    with pytest.raises(SearchUnavailable):
        search("lullaby")
    assert "foreign: rebuilt" in run_worker_once("search")["search"]["did"]
    assert marker.read(holder().dir.root / generation()).database == mark.database
    holder().health = None
    assert slugs("lullaby") == ["ours"]


def test_a_change_committed_out_of_order_is_not_skipped(app):
    """A lower number that commits after a higher one was read is applied (a gap)."""
    first = create_element(slug="early", name={"en": "Early lullaby"})
    second = create_element(slug="late", name={"en": "Late lullaby"})
    run_worker_once("search")
    top = logged()[-1]
    first.name = {"en": "Early cradle"}
    second.name = {"en": "Late cradle"}
    db.session.commit()
    # The second change got a number two above, the first one's is not committed yet.
    db.session.execute(sa.delete(SearchChange).where(SearchChange.seq > top))
    db.session.execute(
        sa.insert(SearchChange).values(seq=top + 3, record_type="elements", record_id=second.id)
    )
    db.session.commit()
    run_worker_once("search")
    assert slugs("cradle") == ["late"]
    mark = marker.read(holder().dir.root / generation())
    assert sorted(mark.gaps) == [top + 1, top + 2] and mark.applied == top
    db.session.execute(
        sa.insert(SearchChange).values(seq=top + 1, record_type="elements", record_id=first.id)
    )
    db.session.commit()
    run_worker_once("search")
    assert slugs("cradle") == ["early", "late"]
    assert sorted(marker.read(holder().dir.root / generation()).gaps) == [top + 2]


def test_gaps_expire_and_are_bounded():
    mark = marker.Marker("db", 10).advance([11, 14], now=1000.0)
    assert mark.last == 14 and sorted(mark.gaps) == [12, 13] and mark.applied == 11
    later = mark.advance([12], now=1000.0 + log.GAP_SECONDS + 1)
    assert later.gaps == {} and later.applied == 14  # 13 never came: assumed rolled back
    huge = marker.Marker("db", 0).advance([10**7], now=0.0)
    assert len(huge.gaps) <= marker.MAX_GAPS and huge.last == 10**7


def test_the_current_symlink_and_marker_live_in_the_index_directory(app):
    run_worker_once("search")
    root = holder().dir.root
    assert (root / CURRENT).is_symlink() and (root / generation() / marker.FILE).exists()
    assert (root / marker.INDEX_ID).read_text().strip() == marker.index_id(root)
