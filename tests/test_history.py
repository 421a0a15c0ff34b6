"""History: each publication keeps who published, who proposed, when, and each field's change."""

import pytest
import sqlalchemy as sa

from kb.extensions import db
from kb.models import Revision, Submission
from tests.factories import create_festival
from tests.journeys import bearer, directory, festival_body, fresh_client, make_account, token_for


@pytest.fixture
def client(app):
    """Each request in its own app context (see IsolatedClient)."""
    return fresh_client(app)


def _propose_and_approve(client, member, moderator, **change) -> int:
    response = client.post(
        "/api/v1/festivals", json=festival_body(**change), headers=bearer(member)
    )
    sid = response.get_json()["id"]
    response = client.post(f"/api/v1/submissions/{sid}/approve", headers=bearer(moderator))
    assert response.status_code == 200
    return sid


def test_each_approved_change_adds_one_entry_with_both_people(app, client):
    directory()
    create_festival(slug="boysun-bahori", name={"en": "Boysun Bahori"}, first_year=2001)
    member = token_for(make_account("org@example.org", organization="ichcap", name="Dilnoza"))
    moderator = token_for(make_account("mod@example.org", role="moderator", name="Mira"))

    first = _propose_and_approve(client, member, moderator, first_year=2002)
    second = _propose_and_approve(
        client, member, moderator, first_year=2002, website="https://b.example"
    )

    items = client.get("/api/v1/festivals/boysun-bahori/history").get_json()["items"]
    assert [e["action"] for e in items] == ["update", "update", "create"]
    newest, older, created = items
    assert newest["changes"] == {"website": ["https://example.org/boysun", "https://b.example"]}
    assert older["changes"]["first_year"] == [2001, 2002]
    assert older["changes"]["countries"] == [
        [],
        [
            {
                "code": "UZ",
                "slug": "uz",
                "name": {"en": "Uzbekistan", "ru": "Узбекистан", "ko": "우즈베키스탄"},
            }
        ],
    ]
    assert newest["submission"]["id"] == second and older["submission"]["id"] == first
    for entry in (newest, older):
        assert entry["published_by"] == {"name": "Mira", "organization": None, "process": None}
        assert entry["submission"]["submitted_by"]["name"] == "Dilnoza"
        assert entry["submission"]["submitted_by"]["organization"]["slug"] == "ichcap"
    assert created["submission"] is None and created["published_by"]["process"] == "test"

    page = client.get("/api/v1/festivals/boysun-bahori/history?per_page=1&page=2").get_json()
    assert page["total"] == 3 and [e["id"] for e in page["items"]] == [older["id"]]
    assert client.get("/api/v1/festivals/boysun-bahori/history?per_page=0").status_code == 400


def test_approving_a_change_that_changes_nothing_adds_no_entry(app, client):
    directory()
    member = token_for(make_account("org@example.org"))
    moderator = token_for(make_account("mod@example.org", role="moderator"))
    _propose_and_approve(client, member, moderator)
    sid = _propose_and_approve(client, member, moderator)
    festival_revisions = sa.select(sa.func.count()).where(Revision.record_type == "festival")
    assert db.session.scalar(festival_revisions) == 1
    assert db.session.get(Submission, sid).revision_id is None
    assert db.session.get(Submission, sid).state == "approved"


def test_the_festival_page_shows_the_history_in_the_readers_language(app, client):
    directory()
    create_festival(slug="boysun-bahori", name={"en": "Boysun Bahori"})
    member = token_for(make_account("org@example.org", organization="ichcap"))
    moderator = token_for(make_account("mod@example.org", role="moderator", name="Mira"))
    _propose_and_approve(client, member, moderator, website="https://b.example")
    html = client.get("/en/festivals/boysun-bahori").text
    section = html.split('id="history-h"')[1]
    assert "Changed: " in section and "Website" in section
    assert "Published by Mira." in section and "Proposed by ICHCAP." in section
    assert "https://b.example" in section.split("What changed")[1]
    assert "mod@example.org" not in html and "org@example.org" not in html
    assert '<html lang="ko">' in client.get("/ko/festivals/boysun-bahori").text
