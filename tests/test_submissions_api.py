"""The institution's and the moderator's journey through the API, and its refusals."""

import json

import pytest
import sqlalchemy as sa

from kb.extensions import db
from kb.models import Festival, OutboxMessage, Revision, Submission
from tests.factories import create_festival
from tests.journeys import (
    PASSWORD,
    directory,
    festival_body,
    fresh_client,
    make_account,
    queued_mail,
    token_for,
    token_header,
)
from tests.workerkit import run_worker_once


@pytest.fixture
def client(app):
    """Each request in its own app context (see IsolatedClient)."""
    return fresh_client(app)


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _found(query: str, client) -> list[str]:
    items = client.get(f"/api/v1/search?q={query}").get_json()["items"]
    return [item["slug"] for item in items]


def _cli_account(runner, email, role, organization=None) -> str:
    args = ["users", "create", email, "--role", role, "--password-stdin"]
    if organization:
        args += ["--organization", organization]
    result = runner.invoke(args=args, input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "token", email])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def test_done_when_a_festival_goes_from_token_to_published_with_history(app, client, runner):
    directory()
    institution = _cli_account(runner, "festival@example.org", "member", "ichcap")
    moderator = _cli_account(runner, "moderator@example.org", "moderator")

    bad = festival_body(latitude=123, website="not a url", countries=["ZZ"])
    response = client.post("/api/v1/festivals", json=bad, headers=token_header(institution))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"latitude", "website", "countries.0"}  # all at once
    assert _count(Submission) == 0 and _count(Festival) == 0 and _count(OutboxMessage) == 0

    response = client.post(
        "/api/v1/festivals", json=festival_body(), headers=token_header(institution)
    )
    assert response.status_code == 202, response.get_json()
    body = response.get_json()
    assert body["state"] == "pending" and body["kind"] == "new" and isinstance(body["id"], int)
    assert response.headers["Location"].endswith(f"/api/v1/submissions/{body['id']}")

    assert client.get("/api/v1/festivals/boysun-bahori").status_code == 404
    assert client.get("/api/v1/festivals").get_json()["total"] == 0
    assert client.get("/en/festivals/boysun-bahori").status_code == 404
    assert "Boysun" not in client.get("/en/festivals/").text
    assert client.get("/api/v1/festivals/boysun-bahori/history").status_code == 404

    run_worker_once()
    assert _found("Boysun", client) == []  # not in search either

    url = f"/api/v1/submissions/{body['id']}"
    assert client.get(url, headers=token_header(institution)).get_json()["state"] == "pending"
    assert client.post(url + "/approve", headers=token_header(institution)).status_code == 403
    response = client.post(url + "/approve", json={}, headers=token_header(moderator))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["state"] == "approved"

    run_worker_once()  # what the worker does within a second of the commit
    assert _found("Boysun", client) == ["boysun-bahori"]  # indexed once approved
    festival = client.get("/api/v1/festivals/boysun-bahori").get_json()
    assert festival["name"]["ko"] == "보이순 바호리" and festival["countries"][0]["code"] == "UZ"
    assert festival["elements"][0]["slug"] == "shashmaqom"
    history = client.get("/api/v1/festivals/boysun-bahori/history").get_json()
    assert history["total"] == 1
    entry = history["items"][0]
    assert entry["action"] == "create" and entry["submission"]["id"] == body["id"]
    assert entry["submission"]["submitted_by"]["organization"]["slug"] == "ichcap"
    assert entry["changes"]["website"] == [None, "https://example.org/boysun"]
    assert "@" not in json.dumps(history)  # never an e-mail address in public

    subjects = [m.subject for m in queued_mail() if m.to == "festival@example.org"]
    assert subjects == ["Received: Boysun Bahori", "Published: Boysun Bahori"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {"editions": [{"year": 2019, "start_date": "2019-05-12", "end_date": "2019-05-10"}]},
            "editions.0.end_date",
        ),
        ({"editions": [{"year": 2019, "start_date": "2018-05-12"}]}, "editions.0.start_date"),
        ({"editions": [{"start_date": "2019-05-12"}]}, "editions.0.year"),
        ({"latitude": 123}, "latitude"),
        ({"longitude": -181}, "longitude"),
        ({"latitude": 40, "longitude": None}, "longitude"),  # the missing one is named
        ({"website": "www.example"}, "website"),
        ({"sources": ["ftp://example.org/x"]}, "sources.0"),
        ({"countries": ["ZZ"]}, "countries.0"),
        ({"countries": ["Uzbekistan"]}, "countries.0"),
        ({"editions": [{"year": 2019, "country": "QQ"}]}, "editions.0.country"),
        ({"elements": ["no-such-element"]}, "elements.0"),
        ({"organizers": ["no-such-org"]}, "organizers.0"),
        ({"name": {}}, "name"),
        ({"name": {"en": "   "}}, "name.en"),
        ({"usual_months": [13]}, "usual_months.0"),
        ({"first_year": "long ago"}, "first_year"),
        ({"periodicity": "weekly"}, "periodicity"),
        ({"slug": "Not A Slug"}, "slug"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
def test_each_rule_refuses_its_field_and_stores_nothing(app, client, change, field):
    directory()
    token = token_for(make_account("org@example.org"))
    response = client.post(
        "/api/v1/festivals", json=festival_body(**change), headers=token_header(token)
    )
    assert response.status_code == 422, response.get_json()
    fields = response.get_json()["error"]["fields"]
    assert field in fields, fields
    assert all(isinstance(m, str) and m for m in fields[field])
    assert _count(Submission) == 0 and _count(OutboxMessage) == 0


def test_a_body_that_is_not_an_object_is_refused(app, client):
    token = token_for(make_account("org@example.org"))
    response = client.post("/api/v1/festivals", json=[1, 2], headers=token_header(token))
    assert response.status_code == 422 and _count(Submission) == 0


def test_a_published_festivals_slug_proposes_a_change_that_waits_for_approval(app, client):
    directory()
    create_festival(
        slug="boysun-bahori", name={"en": "Boysun Bahori"}, website="https://old.example"
    )
    member = make_account("org@example.org", organization="ichcap", name="Dilnoza")
    moderator = make_account("mod@example.org", role="moderator", name="Mira")
    body = festival_body(website="https://new.example")
    response = client.post("/api/v1/festivals", json=body, headers=token_header(token_for(member)))
    assert response.status_code == 202 and response.get_json()["kind"] == "change"
    assert (
        client.get("/api/v1/festivals/boysun-bahori").get_json()["website"] == "https://old.example"
    )

    sid = response.get_json()["id"]
    response = client.post(
        f"/api/v1/submissions/{sid}/approve",
        json={"reason": "Checked with the organiser."},
        headers=token_header(token_for(moderator)),
    )
    assert response.status_code == 200
    assert (
        client.get("/api/v1/festivals/boysun-bahori").get_json()["website"] == "https://new.example"
    )
    history = client.get("/api/v1/festivals/boysun-bahori/history").get_json()["items"]
    assert [e["action"] for e in history] == ["update", "create"]
    latest = history[0]
    assert latest["changes"]["website"] == ["https://old.example", "https://new.example"]
    assert (
        latest["published_by"]["name"] == "Mira" and latest["note"] == "Checked with the organiser."
    )
    assert latest["submission"]["submitted_by"]["name"] == "Dilnoza"
    revision = db.session.get(Revision, latest["id"])
    assert revision.account_id == moderator.id
    assert db.session.get(Submission, sid).revision_id == revision.id


def test_an_unpublished_records_slug_is_taken(app, client):
    directory()
    festival = create_festival(slug="hidden-festival")
    festival.status = "withdrawn"
    db.session.commit()
    token = token_for(make_account("org@example.org"))
    response = client.post(
        "/api/v1/festivals", json=festival_body(slug="hidden-festival"), headers=token_header(token)
    )
    assert response.status_code == 422 and "slug" in response.get_json()["error"]["fields"]


def test_return_and_reject_need_a_reason_and_tell_the_submitter(app, client):
    directory()
    member = make_account("org@example.org", locale="ko")
    moderator = token_for(make_account("mod@example.org", role="moderator"))
    first = client.post(
        "/api/v1/festivals", json=festival_body(), headers=token_header(token_for(member))
    )
    sid = first.get_json()["id"]
    url = f"/api/v1/submissions/{sid}"

    response = client.post(url + "/return", json={"reason": "  "}, headers=token_header(moderator))
    assert response.status_code == 422 and "reason" in response.get_json()["error"]["fields"]
    response = client.post(
        url + "/return", json={"reason": "Add the 2023 edition."}, headers=token_header(moderator)
    )
    assert response.get_json()["state"] == "returned"
    assert response.get_json()["steps"][-1]["reason"] == "Add the 2023 edition."
    assert (
        client.post(
            url + "/reject", json={"reason": "x"}, headers=token_header(moderator)
        ).status_code
        == 409
    )

    mails = [m for m in queued_mail() if m.to == "org@example.org"]
    assert [m.subject for m in mails] == [
        "접수 완료: 보이순 바호리",
        "보완 요청: 보이순 바호리",
    ]
    assert "Add the 2023 edition." in mails[-1].text and 'lang="ko"' in mails[-1].html


def test_the_openapi_document_describes_the_new_endpoints(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    post = spec["paths"]["/api/v1/festivals"]["post"]
    assert set(post["responses"]) >= {"202", "401", "422"}
    # The festival's answer shape: a GET answer, changed, is accepted (read-only keys kept).
    assert post["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/FestivalDetail"
    }
    for decision in ("approve", "return", "reject"):
        assert "post" in spec["paths"][f"/api/v1/submissions/{{submission_id}}/{decision}"]
    assert "HistoryEntry" in spec["components"]["schemas"]
    assert "Submission" in spec["components"]["schemas"]
