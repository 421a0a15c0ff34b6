"""The index follows the database: the worker applies what was committed; nothing is lost."""

import os

import pytest
import sqlalchemy as sa

from kb.extensions import db
from kb.models import Element
from kb.search import holder, reindex, search, status
from kb.search.store import CURRENT, REBUILDING
from tests.factories import create_country, create_element, create_event
from tests.workerkit import run_worker_once


def slugs(query: str, **filters) -> list[str]:
    return [hit.slug for hit in search(query, filters, per_page=50).items]


def queued() -> int:
    """How many changes of the log this host's index has not applied yet."""
    db.session.commit()
    return status()["queue"]


def test_a_committed_record_is_searchable_once_the_worker_ran_and_the_queue_is_empty(app):
    create_element(slug="zarafshan-lullaby", name={"en": "Zarafshan lullaby", "ru": "Колыбельная"})
    run_worker_once()
    assert slugs("lullaby") == ["zarafshan-lullaby"]
    assert slugs("колыбельные") == ["zarafshan-lullaby"]
    assert queued() == 0


def test_flushed_changes_are_indexed_only_when_committed(app):
    element = create_element(slug="flushed", name={"en": "Flushed lullaby"}, commit=False)
    element.name = {"en": "Flushed cradle song"}
    db.session.flush()
    assert slugs("cradle") == [] and queued() == 1  # the queue row is in the transaction
    db.session.commit()
    run_worker_once()
    assert slugs("cradle") == ["flushed"] and slugs("lullaby") == []
    assert queued() == 0


def test_a_rollback_leaves_the_index_and_the_queue_untouched(app):
    create_element(slug="rolled-back", name={"en": "Rolled back lullaby"}, commit=False)
    db.session.rollback()
    db.session.commit()
    run_worker_once()
    assert slugs("lullaby") == [] and queued() == 0


def test_deleted_and_unpublished_records_leave_the_index(app):
    kept = create_element(slug="kept", name={"en": "Kept lullaby"})
    gone = create_element(slug="gone", name={"en": "Gone lullaby"})
    db.session.delete(gone)
    run_worker_once()
    kept.status = "withdrawn"
    db.session.commit()
    run_worker_once()
    assert slugs("lullaby") == []
    kept.status = "published"
    db.session.commit()
    run_worker_once()
    assert slugs("lullaby") == ["kept"]


def test_a_record_deleted_after_its_words_were_searched_leaves_the_results(app):
    # The words' postings are kept between queries (kb.search.evaluate.PostingsCache);
    # a deletion marks the segment they came from, and must hide the record all the same.
    create_element(slug="kept", name={"en": "Kept lullaby"})
    gone = create_element(slug="gone", name={"en": "Gone lullaby"})
    run_worker_once()
    assert sorted(slugs("lullaby")) == ["gone", "kept"]
    assert holder().postings.bytes > 0
    db.session.delete(gone)
    db.session.commit()
    run_worker_once()
    assert slugs("lullaby") == ["kept"]
    assert search("lullaby").facets["type"] == [("elements", 1)]


def test_renaming_a_country_reindexes_the_records_that_name_it(app):
    country = create_country("UZ")
    create_element(slug="in-uz", name={"en": "Some song"}, countries=["UZ"])
    run_worker_once()
    assert slugs("Uzbekistan") == ["uz", "in-uz"] or set(slugs("Uzbekistan")) == {"uz", "in-uz"}
    country.name = {**country.name, "en": "O'zbekiston"}
    db.session.commit()
    run_worker_once()
    assert set(slugs("O'zbekiston")) == {"uz", "in-uz"}


def test_private_joining_links_are_never_indexed(app):
    create_event(slug="webinar", join_url="https://meet.example.org/j/secretroom4242")
    run_worker_once()
    assert slugs("secretroom4242") == [] and slugs("meet") == []


def _lock(app):
    """Take the index's write lock, as a writer in another process would."""
    h = holder()
    return h.dir.open(h.dir.ensure()).writer()


def test_a_locked_index_keeps_the_change_in_the_queue_until_sync(app, runner):
    app.config["SEARCH_LOCK_TIMEOUT"] = 0.05
    lock = _lock(app)
    create_element(slug="waits", name={"en": "Waiting lullaby"})
    assert db.session.scalar(sa.select(Element.slug)) == "waits"  # the data is safe
    assert "index busy" in run_worker_once("search")["search"]["did"]
    assert slugs("lullaby") == [] and queued() == 1
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code != 0 and "busy" in result.output
    lock.cancel()
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code == 0 and "1 applied, 0 waiting" in result.output
    assert slugs("lullaby") == ["waits"] and queued() == 0


def test_the_worker_catches_up_once_the_lock_is_free(app):
    app.config["SEARCH_LOCK_TIMEOUT"] = 0.05
    lock = _lock(app)
    create_element(slug="retried", name={"en": "Retried lullaby"})
    run_worker_once("search")
    lock.cancel()
    assert queued() == 1
    run_worker_once("search")
    assert queued() == 0 and slugs("lullaby") == ["retried"]


def test_status_compares_the_index_with_the_database(app, runner):
    create_element(slug="counted", name={"en": "Counted"})
    run_worker_once()
    info = status()
    assert info["index"]["elements"] == info["records"]["elements"] == 1
    assert info["queue"] == 0 and info["state"] == "ok"
    result = runner.invoke(args=["search", "status"])
    assert result.exit_code == 0 and "elements" in result.output
    assert "state: ok" in result.output and "waiting: 0 changes" in result.output


def test_reindex_builds_a_new_generation_and_swaps_it_in(app, runner):
    create_element(slug="rebuilt", name={"en": "Rebuilt lullaby"})
    run_worker_once()
    before = os.readlink(holder().dir.root / CURRENT)
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    after = os.readlink(holder().dir.root / CURRENT)
    assert after != before and slugs("lullaby") == ["rebuilt"]
    assert not (holder().dir.root / REBUILDING).exists()


class Killed(BaseException):
    """Stands for the process being killed half-way through a rebuild."""


def test_a_rebuild_killed_half_way_leaves_the_old_index_serving(app):
    for n in range(3):
        create_element(slug=f"song-{n}", name={"en": f"Old lullaby {n}"})
    run_worker_once()
    serving = os.readlink(holder().dir.root / CURRENT)

    class Progress:
        def update(self, n):
            raise Killed

    with pytest.raises(Killed):
        reindex(progress=Progress())
    assert os.readlink(holder().dir.root / CURRENT) == serving
    assert len(slugs("lullaby")) == 3
    create_element(slug="after-crash", name={"en": "New lullaby"})  # writes still work
    run_worker_once()
    assert "after-crash" in slugs("lullaby")
    reindex()
    assert len(slugs("lullaby")) == 4 and not (holder().dir.root / REBUILDING).exists()


def test_changes_committed_during_a_rebuild_reach_the_new_index(app):
    create_element(slug="before", name={"en": "Before lullaby"})

    class Progress:
        done = False

        def update(self, n):
            if not self.done:
                self.done = True
                create_element(slug="during", name={"en": "During lullaby"})

    reindex(progress=Progress())
    assert set(slugs("lullaby")) == {"before", "during"}


def segment_sizes() -> list[int]:
    h = holder()
    return [s.doc_count_all() for s in h.dir.open(h.dir.ensure())._segments()]


def test_commits_never_merge_and_sync_merges_the_small_segments(app, runner, monkeypatch):
    from kb.search import writing

    monkeypatch.setattr(writing, "MERGE_AT", 10**6)
    elements = []
    for n in range(5):
        elements.append(create_element(slug=f"tune-{n}", name={"en": f"Tune {n}"}))
        run_worker_once()
    before = len(segment_sizes())
    db.session.delete(elements[0])
    elements[1].name = {"en": "Renamed melody"}
    db.session.commit()
    run_worker_once()
    assert len(segment_sizes()) == before + 1  # one more segment per round, none merged
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code == 0 and "small segments merged" in result.output
    assert len(segment_sizes()) == 1
    assert sorted(slugs("tune")) == ["tune-2", "tune-3", "tune-4"]
    assert slugs("melody") == ["tune-1"]


def test_the_worker_merges_once_its_changes_leave_many_segments(app, monkeypatch):
    from kb.search import writing

    monkeypatch.setattr(writing, "MERGE_AT", 4)
    monkeypatch.setattr("kb.search.queue.MERGE_AT", 4)
    for n in range(6):
        create_element(slug=f"air-{n}", name={"en": f"Air {n}"})
        run_worker_once("search")
        assert len(segment_sizes()) < 4
    create_element(slug="air-late", name={"en": "Air late"})
    run_worker_once("search")
    assert len(slugs("air")) == 7
