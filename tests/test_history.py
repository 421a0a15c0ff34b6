"""History: each publication keeps who published, who proposed, when, and each field's change."""

import pytest
import sqlalchemy as sa

from kb.extensions import db
from kb.models import Revision, Submission
from tests.factories import create_festival
from tests.journeys import (
    directory,
    festival_body,
    fresh_client,
    make_account,
    token_for,
    token_header,
)


@pytest.fixture
def client(app):
    """Each request in its own app context (see IsolatedClient)."""
    return fresh_client(app)


def _propose_and_approve(client, member, moderator, **change) -> int:
    response = client.post(
        "/api/v1/festivals", json=festival_body(**change), headers=token_header(member)
    )
    sid = response.get_json()["id"]
    response = client.post(f"/api/v1/submissions/{sid}/approve", headers=token_header(moderator))
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


def test_every_record_type_has_its_history_in_the_api_and_on_its_page(app, client):
    from tests.factories import create_case_study, create_element, create_organization

    records = {
        "elements": create_element(slug="navruz", name={"en": "Navruz"}),
        "organizations": create_organization(slug="iicas", name={"en": "IICAS"}),
        "case-studies": create_case_study(slug="bazaar", title={"en": "The bazaar"}),
        "festivals": create_festival(slug="boysun", name={"en": "Boysun"}),
    }
    for collection, record in records.items():
        answer = client.get(f"/api/v1/{collection}/{record.slug}/history")
        assert answer.status_code == 200, collection
        body = answer.get_json()
        assert body["total"] == 1 and body["items"][0]["action"] == "create"
        assert body["items"][0]["published_by"]["process"] == "test"
        html = client.get(f"/ru/{collection}/{record.slug}").text
        assert 'id="history-h"' in html and "Запись создана" in html, collection
    assert client.get("/api/v1/elements/nothing/history").status_code == 404
    assert client.get("/api/v1/countries/zz/history").status_code == 404
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for collection in ("elements", "organizations", "case-studies", "festivals", "events"):
        assert "get" in paths[f"/api/v1/{collection}/{{slug}}/history"]


def test_an_events_history_shows_its_changes_but_never_links_or_addresses(app, client):
    from tests.eventkit import account, bearer, event_body
    from tests.factories import create_organization

    create_organization(slug="ichcap")
    organizer = account("organizer@ichcap.org")
    organizer.name = "Gi Hyung"
    db.session.commit()
    headers = bearer(organizer)
    body = event_body("forum", organizations=[{"organization": "ichcap", "role": "organizer"}])
    assert client.post("/api/v1/events", json=body, headers=headers).status_code == 201
    assert client.post("/api/v1/events/forum/publish", headers=headers).status_code == 200
    change = {"join_url": "https://meet.example.org/new-room-9931", "theme": {"en": "Tea"}}
    assert client.patch("/api/v1/events/forum", json=change, headers=headers).status_code == 200

    answer = client.get("/api/v1/events/forum/history")
    items = answer.get_json()["items"]
    assert [e["action"] for e in items] == ["update", "publish", "create"]
    assert items[0]["changes"]["theme"] == [None, {"en": "Tea"}]
    assert items[0]["changes"]["join_url"] is None  # changed, never shown
    assert items[0]["published_by"] == {"name": "Gi Hyung", "organization": None, "process": None}
    for text in (answer.text, client.get("/en/events/forum").text):
        assert "meet.example.org" not in text and "organizer@ichcap.org" not in text
    html = client.get("/en/events/forum").text
    section = html.split('id="history-h"')[1]
    assert "Made public" in section and "Made by Gi Hyung." in section
    assert "Joining link" in section and "Private: changed, not shown." in section


def test_a_change_by_an_account_since_deleted_never_shows_its_address(app, client):
    festival = create_festival(slug="boysun", name={"en": "Boysun"})
    db.session.add(
        Revision(
            record_type="festival",
            record_id=festival.id,
            action="update",
            actor="gone@example.org",
            changes={"website": [None, "https://b.example"]},
        )
    )
    db.session.commit()
    answer = client.get("/api/v1/festivals/boysun/history")
    assert answer.get_json()["items"][0]["published_by"] is None
    assert "gone@example.org" not in answer.text
    assert "gone@example.org" not in client.get("/en/festivals/boysun").text
