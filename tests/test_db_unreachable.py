"""A database that cannot be reached at all: pages say so (503, in the reader's language,
with Retry-After), the API answers its error shape, /healthz names what is down.

On SQLite the database is a file that cannot be opened; on PostgreSQL a server that
refuses connections (a closed port), as when it is stopped or its host is gone.
"""

from __future__ import annotations

import pytest

from tests.conftest import PG_URL, make_app
from tests.eventkit import person

UNREACHABLE = (
    "postgresql+psycopg://postgres@127.0.0.1:9/kb?connect_timeout=2"
    if PG_URL
    else "sqlite:////nonexistent-directory-of-kb-tests/kb.db"
)


@pytest.fixture
def cut_off(tmp_path):
    """A client of an app whose database cannot be reached."""
    app = make_app(tmp_path / "instance", {"SQLALCHEMY_DATABASE_URI": UNREACHABLE})
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: a bug would be a 500
    return app.test_client()


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/en/", "cannot be reached"),
        ("/ru/events/", "недоступна"),
        ("/ko/festivals/", "데이터베이스"),
        ("/en/search?q=silk", "cannot be reached"),
        ("/ru/elements/shashmaqom", "недоступна"),
    ],
)
def test_pages_answer_a_clear_503_in_the_readers_language(cut_off, url, words):
    response = cut_off.get(url)
    assert response.status_code == 503, (url, response.status_code)
    assert response.headers["Retry-After"].isdigit()
    assert response.mimetype == "text/html"
    assert words in response.text


def test_a_logged_in_reader_gets_the_same_page(cut_off):
    with cut_off.session_transaction() as session:
        session["_user_id"] = "1:1"
        session["_fresh"] = True
    response = cut_off.get("/en/events/")
    assert response.status_code == 503 and "cannot be reached" in response.text


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("GET", "/api/v1/events?lang=ru", None),
        ("GET", "/api/v1/festivals/naadam", None),
        ("GET", "/api/v1/search?q=silk", None),
        ("POST", "/api/v1/events/webinar/registrations", person("a@example.org")),
        ("POST", "/api/v1/festivals", {"name": {"en": "Naadam"}}),
    ],
)
def test_the_api_answers_503_in_its_error_shape(cut_off, method, url, body):
    headers = {"Authorization": "Bearer kb_not-checkable-now"} if url.endswith("festivals") else {}
    response = cut_off.open(url, method=method, json=body, headers=headers)
    assert response.status_code == 503, (url, response.status_code, response.text)
    assert response.headers["Retry-After"].isdigit()
    error = response.get_json()["error"]
    assert error["code"] == "database_unavailable" and error["message"]
    if "lang=ru" in url:
        assert "недоступна" in error["message"]


def test_healthz_says_the_database_is_down(cut_off):
    response = cut_off.get("/healthz")
    assert response.status_code == 503
    report = response.get_json()
    assert report["status"] == "failing"
    assert report["components"]["database"]["status"] == "failing"
    assert report["components"]["outbox"]["status"] == "unknown"


def test_what_needs_no_database_still_answers(cut_off):
    assert cut_off.get("/robots.txt").status_code == 200
    with cut_off.get("/static/favicon.ico") as icon:
        assert icon.status_code == 200
