"""Who may do what: each role against each write, through the API and the pages."""

import pytest
import sqlalchemy as sa

from kb.extensions import db
from kb.models import Festival, Submission
from kb.services import submissions
from tests.journeys import (
    csrf_token,
    directory,
    festival_body,
    fresh_client,
    log_in,
    make_account,
    token_for,
    token_header,
)

ROLES = ["member", "organizer", "moderator", "admin"]


@pytest.fixture
def client(app):
    """Each request in its own app context (see IsolatedClient)."""
    return fresh_client(app)


@pytest.fixture
def people(app):
    """The submitter, and one account of each role, with API tokens."""
    directory()
    owner = make_account("owner@example.org")
    tokens = {"owner": token_for(owner)}
    for role in ROLES:
        tokens[role] = token_for(make_account(f"{role}@example.org", role=role))
    return tokens


def _pending(client, tokens) -> int:
    response = client.post(
        "/api/v1/festivals", json=festival_body(), headers=token_header(tokens["owner"])
    )
    assert response.status_code == 202
    return response.get_json()["id"]


@pytest.mark.parametrize("who", [None, "member", "organizer", "moderator", "admin"])
def test_submitting_needs_any_account(client, people, who):
    headers = token_header(people[who]) if who else {}
    response = client.post("/api/v1/festivals", json=festival_body(), headers=headers)
    assert response.status_code == (202 if who else 401)


@pytest.mark.parametrize(
    ("who", "read", "decide"),
    [
        (None, 401, 401),
        ("member", 404, 403),
        ("organizer", 404, 403),
        ("owner", 200, 403),
        ("moderator", 200, 200),
        ("admin", 200, 200),
    ],
)
@pytest.mark.parametrize("decision", ["approve", "return", "reject"])
def test_reading_and_deciding_by_role(client, people, who, read, decide, decision):
    sid = _pending(client, people)
    headers = token_header(people[who]) if who else {}
    assert client.get(f"/api/v1/submissions/{sid}", headers=headers).status_code == read
    response = client.post(
        f"/api/v1/submissions/{sid}/{decision}", json={"reason": "Because."}, headers=headers
    )
    assert response.status_code == decide, response.get_json()
    state = db.session.scalar(sa.select(Submission.state).where(Submission.id == sid))
    expected = {"approve": "approved", "return": "returned", "reject": "rejected"}[decision]
    assert state == (expected if decide == 200 else "pending")
    published = db.session.scalar(sa.select(sa.func.count()).select_from(Festival))
    assert published == (1 if decide == 200 and decision == "approve" else 0)


def test_nobody_approves_their_own_submission_not_even_an_admin(client, people):
    response = client.post(
        "/api/v1/festivals", json=festival_body(), headers=token_header(people["admin"])
    )
    sid = response.get_json()["id"]
    response = client.post(
        f"/api/v1/submissions/{sid}/approve", headers=token_header(people["admin"])
    )
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
    assert (
        client.post(
            f"/api/v1/submissions/{sid}/approve", headers=token_header(people["moderator"])
        ).status_code
        == 200
    )


def test_drafts_are_the_submitters_alone(app, client, people):
    from kb.models import Account

    owner = db.session.scalar(sa.select(Account).where(Account.email == "owner@example.org"))
    draft = submissions.start(owner, "festival", festival_body())
    db.session.commit()
    for who, status in [("owner", 200), ("member", 404), ("moderator", 404), ("admin", 404)]:
        response = client.get(f"/api/v1/submissions/{draft.id}", headers=token_header(people[who]))
        assert response.status_code == status, who
    response = client.post(
        f"/api/v1/submissions/{draft.id}/approve", headers=token_header(people["moderator"])
    )
    assert response.status_code == 404
    moderator = fresh_client(app)
    log_in(moderator, "moderator@example.org")
    assert moderator.get(f"/en/submissions/{draft.id}").status_code == 404
    assert "Boysun" not in moderator.get("/en/moderation/?state=all").text


def test_pages_check_permission_on_every_write(app, client, people):
    sid = _pending(client, people)
    url = f"/en/submissions/{sid}"
    assert client.get("/en/moderation/").status_code == 302  # log in first
    assert client.get("/en/submissions/new").status_code == 302

    member = fresh_client(app)
    log_in(member, "member@example.org")
    token = csrf_token(member.get("/en/account/").text)
    assert member.get("/en/moderation/").status_code == 403
    assert member.get(url).status_code == 404
    assert member.get(url + "/edit").status_code == 404
    for decision in ("approve", "return", "reject"):
        response = member.post(
            f"{url}/{decision}", data={f"{decision}-csrf_token": token, f"{decision}-reason": "x"}
        )
        assert response.status_code == 404

    owner = fresh_client(app)
    log_in(owner, "owner@example.org")
    token = csrf_token(owner.get(url).text)
    assert owner.post(f"{url}/approve", data={"approve-csrf_token": token}).status_code == 403
    assert owner.get(url + "/edit").status_code == 302  # pending: no longer editable
    assert db.session.scalar(sa.select(Submission.state)) == "pending"


def test_a_session_write_to_the_api_needs_the_csrf_token(app, client, people):
    member = fresh_client(app)
    log_in(member, "member@example.org")
    response = member.post("/api/v1/festivals", json=festival_body())
    assert response.status_code == 400
    token = csrf_token(member.get("/en/account/").text)
    response = member.post(
        "/api/v1/festivals", json=festival_body(), headers={"X-CSRFToken": token}
    )
    assert response.status_code == 202
