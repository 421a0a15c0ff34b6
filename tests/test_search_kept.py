"""Search answers kept per process (kb/searchcache.py): sent again only while the index
they came from is unchanged, never to signed-in readers, within their bytes; and a
results page reads nothing from the database, kept or not."""

from flask import g

from kb.extensions import db
from kb.searchcache import OVERHEAD, Kept, kept
from tests.eventkit import account, login
from tests.factories import create_country, create_element
from tests.test_sql_budgets import Statements
from tests.workerkit import run_worker_once


def _slugs(client, url: str) -> list[str]:
    return [item["slug"] for item in client.get(url).get_json()["items"]]


def test_a_kept_answer_gives_way_once_the_index_changes(app, client):
    create_element(slug="first", name={"en": "First lullaby"})
    run_worker_once()
    assert _slugs(client, "/api/v1/search?q=lullaby") == ["first"]
    page = client.get("/en/search?q=lullaby").text
    assert "First lullaby" in page and "Second lullaby" not in page
    assert client.get("/en/search?q=lullaby").text == page  # kept
    assert len(kept()) == 2
    create_element(slug="second", name={"en": "Second lullaby"})
    run_worker_once()
    assert sorted(_slugs(client, "/api/v1/search?q=lullaby")) == ["first", "second"]
    assert "Second lullaby" in client.get("/en/search?q=lullaby").text


def test_a_renamed_country_is_named_anew_in_the_facets_of_the_same_search(app, client):
    country = create_country("UZ")
    create_country("KR")
    create_element(slug="a", name={"en": "Lullaby"}, countries=["UZ"])
    create_element(slug="b", name={"en": "Lullaby of the steppe"}, countries=["KR"])
    run_worker_once()
    assert "Uzbekistan" in client.get("/en/search?q=lullaby").text
    country.name = {**country.name, "en": "O'zbekiston"}
    db.session.commit()
    run_worker_once()
    page = client.get("/en/search?q=lullaby").text
    assert "O&#39;zbekiston" in page and "Uzbekistan" not in page


def test_signed_in_readers_never_get_a_kept_answer(app, client):
    create_element(slug="first", name={"en": "First lullaby"})
    run_worker_once()
    client.get("/en/search?q=lullaby")
    assert len(kept()) == 1
    login(client, account("reader@example.org", role="member"))
    g.pop("_login_user", None)  # the fixture's app context outlives requests; a server's not
    page = client.get("/en/search?q=lullaby").text
    assert "First lullaby" in page and "Log out" in page  # their own page, not the kept one
    assert len(kept()) == 1  # nor kept


def test_a_results_page_reads_nothing_from_the_database(seeded_client):
    app = seeded_client.application
    seeded_client.get("/en/search?q=festival")  # warm: templates, searcher, integrity
    for url in ("/en/search?q=festival+Uzbekistan", "/api/v1/search?q=silk+road"):
        app.extensions.pop("kb-search-answers", None)  # rendered afresh
        with app.app_context():
            counter = Statements(db.engine)
        with counter:
            assert seeded_client.get(url).status_code == 200
        assert counter.seen == [], url
        with counter:
            assert seeded_client.get(url).status_code == 200  # kept
        assert counter.seen == [], url


def test_kept_answers_stay_within_their_bytes_the_least_recently_used_leaving_first():
    answers = Kept(max_bytes=16 * (1000 + OVERHEAD))
    for i in range(16):
        answers.put((i,), b"x" * 1000, "text/html")
    assert answers.get((0,)) is not None  # 1 is now the oldest
    answers.put((16,), b"x" * 1000, "text/html")
    assert answers.get((1,)) is None and answers.get((0,)) is not None
    assert answers.bytes <= answers.max_bytes and len(answers) == 16
    answers.put(("big",), b"x" * 2000, "text/html")  # over a sixteenth: not kept
    assert answers.get(("big",)) is None and len(answers) == 16


def test_a_results_page_looks_at_the_index_on_disk_once(app, client, monkeypatch):
    """Its kept answers' key (the index's version) and its search see the same index,
    for one look at the disk (a directory listing), not one each."""
    from kb.search.store import Holder

    create_element(slug="first", name={"en": "First lullaby"})
    run_worker_once()
    looks = []
    real = Holder._look
    monkeypatch.setattr(Holder, "_look", lambda self: looks.append(1) or real(self))
    assert "First lullaby" in client.get("/en/search?q=lullaby").text
    assert len(looks) == 1


def test_a_request_sees_what_its_own_process_wrote_to_the_index(tmp_path):
    """Looking once a request holds only while this process has not written the index
    since: a write through the holder in the same request (as the CLI or a test may
    make one) is seen by the request's next search."""
    from kb.search.engine import run
    from kb.search.store import Holder
    from kb.search.writing import apply

    holder = Holder(tmp_path)
    holder.dir.ensure()
    scope: dict = {}  # one request's environ

    def doc(n: int) -> dict:
        return {
            "key": f"elements:{n}",
            "type": "elements",
            "slug": f"e{n}",
            "name": {"en": f"Lullaby {n}"},
        }

    apply(holder, ["elements:1"], lambda keys: {key: doc(1) for key in keys})
    assert run(holder, "lullaby", scope=scope).total == 1  # the request's first look
    apply(holder, ["elements:2"], lambda keys: {key: doc(2) for key in keys})
    assert run(holder, "lullaby", scope=scope).total == 2
    holder.close()


def test_a_renamed_record_is_named_anew_in_the_results_of_the_same_search(app, client):
    """A hit's heading is kept per record and language (kb.views.search.PageParts) only
    while the index holds the same names."""
    element = create_element(slug="a", name={"en": "Lullaby"})
    run_worker_once()
    assert '<span lang="en">Lullaby</span>' in client.get("/en/search?q=lullaby").text
    element.name = {"en": "Lullaby of the steppe"}
    db.session.commit()
    run_worker_once()
    page = client.get("/en/search?q=lullaby").text
    assert '<span lang="en">Lullaby of the steppe</span>' in page
    assert '<span lang="en">Lullaby</span>' not in page


def test_the_results_links_follow_the_language_and_the_application_root(seeded_client):
    """What results pages share is kept per language and root, never one's for another."""
    for n, (root, lang) in enumerate([("", "en"), ("/kb", "en"), ("", "ru"), ("", "en")]):
        page = seeded_client.get(
            f"/{lang}/search?q=festival&n={n}", base_url=f"http://localhost{root}"
        ).text
        assert f'href="{root}/{lang}/search?q=festival&amp;n={n}&amp;type=' in page, (root, lang)
        assert f'href="{root}/{lang}/festivals/' in page, (root, lang)
        if not root:
            assert 'href="/kb/' not in page, lang
