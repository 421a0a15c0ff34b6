"""Every record can be improved: a proposed change to an element, an organisation, a case
study or an event goes through moderation and into the record's history (issue 14 item 5)."""

import pytest

from kb.extensions import db
from kb.models import Submission
from kb.schemas.records import ElementSchema
from kb.services.heritage import save_element
from kb.services.payloads import Invalid, load_payload
from kb.services.records import Actor
from tests.eventkit import account, bearer, event_body
from tests.factories import (
    create_case_study,
    create_element,
    create_festival,
    create_organization,
)
from tests.journeys import directory, fresh_client, make_account, token_for, token_header


@pytest.fixture
def client(app):
    return fresh_client(app)


@pytest.fixture
def people(app):
    directory()
    return {
        "member": token_for(make_account("org@example.org", organization="ichcap", name="Dilnoza")),
        "moderator": token_for(make_account("mod@example.org", role="moderator", name="Mira")),
    }


def test_a_proposed_change_to_an_element_is_approved_and_shows_in_its_history(client, people):
    create_element(slug="navruz", name={"en": "Navruz"}, countries=["UZ"])
    body = client.get("/api/v1/elements/navruz").get_json()
    body["summary"] = {"en": "Spring new year."}
    body["name"]["ru"] = "Навруз"
    answer = client.post(
        "/api/v1/elements/navruz/proposals", json=body, headers=token_header(people["member"])
    )
    assert answer.status_code == 202, answer.get_json()
    sid = answer.get_json()["id"]
    assert answer.get_json()["record_type"] == "element" and answer.get_json()["kind"] == "change"
    assert client.get("/api/v1/elements/navruz").get_json()["summary"] is None  # not yet
    approved = client.post(
        f"/api/v1/submissions/{sid}/approve",
        json={"reason": "Checked."},
        headers=token_header(people["moderator"]),
    )
    assert approved.status_code == 200 and approved.get_json()["state"] == "approved"
    again = client.post(
        f"/api/v1/submissions/{sid}/approve", headers=token_header(people["moderator"])
    )
    assert again.status_code == 409

    record = client.get("/api/v1/elements/navruz").get_json()
    assert record["summary"] == {"en": "Spring new year."} and record["name"]["ru"] == "Навруз"
    newest = client.get("/api/v1/elements/navruz/history").get_json()["items"][0]
    assert set(newest["changes"]) == {"name", "summary"}
    assert newest["note"] == "Checked."
    assert newest["published_by"]["name"] == "Mira"
    assert newest["submission"]["id"] == sid
    assert newest["submission"]["submitted_by"]["name"] == "Dilnoza"


@pytest.mark.parametrize(
    ("collection", "make", "change"),
    [
        ("organizations", lambda: create_organization(slug="iicas"), {"acronym": "IICAS"}),
        (
            "festivals",
            lambda: create_festival(slug="boysun", name={"en": "Boysun"}),
            {"website": "https://b.example"},
        ),
        (
            "case-studies",
            lambda: create_case_study(slug="bazaar", title={"en": "Bazaar"}),
            {"festivals": [], "elements": ["shashmaqom"]},
        ),
    ],
)
def test_organisations_and_case_studies_take_proposals_too(
    client, people, collection, make, change
):
    record = make()
    body = {**client.get(f"/api/v1/{collection}/{record.slug}").get_json(), **change}
    answer = client.post(
        f"/api/v1/{collection}/{record.slug}/proposals",
        json=body,
        headers=token_header(people["member"]),
    )
    assert answer.status_code == 202, answer.get_json()
    sid = answer.get_json()["id"]
    moderator = token_header(people["moderator"])
    assert client.post(f"/api/v1/submissions/{sid}/approve", headers=moderator).status_code == 200
    history = client.get(f"/api/v1/{collection}/{record.slug}/history").get_json()["items"]
    assert history[0]["submission"]["id"] == sid
    assert set(history[0]["changes"]) == set(change) - {"festivals"}


def test_a_proposal_names_the_records_it_links_to_or_is_refused(client, people):
    create_case_study(slug="bazaar", title={"en": "Bazaar"})
    body = {**client.get("/api/v1/case-studies/bazaar").get_json(), "festivals": ["nowhere"]}
    answer = client.post(
        "/api/v1/case-studies/bazaar/proposals", json=body, headers=token_header(people["member"])
    )
    assert answer.status_code == 422
    assert "festivals.0" in answer.get_json()["error"]["fields"]
    assert db.session.query(Submission).count() == 0


def test_anyone_signed_in_corrects_an_events_facts_but_not_its_programme(app, client, people):
    create_organization(slug="iicas")
    organizer = account("organizer@iicas.org")
    headers = bearer(organizer)
    body = event_body("forum", organizations=[{"organization": "iicas", "role": "organizer"}])
    assert client.post("/api/v1/events", json=body, headers=headers).status_code == 201
    assert client.post("/api/v1/events/forum/publish", headers=headers).status_code == 200
    member = token_header(people["member"])

    shown = client.get("/api/v1/events/forum").get_json()
    programme = {**shown, "sessions": [], "sources": ["https://example.org/report"]}
    refused = client.post("/api/v1/events/forum/proposals", json=programme, headers=member)
    assert refused.status_code == 422
    assert set(refused.get_json()["error"]["fields"]) == {"sessions"}

    facts = {**shown, "sources": ["https://example.org/report"]}
    facts["recording_url"] = "https://video.example.org/forum"
    answer = client.post("/api/v1/events/forum/proposals", json=facts, headers=member)
    assert answer.status_code == 202, answer.get_json()
    item = answer.get_json()
    assert set(item["payload"]) <= {"slug", "title", "theme", "summary", "description", "venue"} | {
        "recording_url",
        "sources",
    }
    assert "meet.example.org" not in answer.text  # the joining links stay private
    moderator = token_header(people["moderator"])
    approved = client.post(f"/api/v1/submissions/{item['id']}/approve", headers=moderator)
    assert approved.status_code == 200
    after = client.get("/api/v1/events/forum").get_json()
    assert after["sources"] == ["https://example.org/report"]
    assert after["recording_url"] == "https://video.example.org/forum"
    assert [s["title"]["en"] for s in after["sessions"]] == ["Opening"]  # programme kept
    event = db.session.scalar(db.select(__import__("kb.models", fromlist=["Event"]).Event))
    assert event.join_url == "https://meet.example.org/secret-room-4821"  # link kept
    assert event.sessions[0].join_url == "https://meet.example.org/session-room-7713"
    history = client.get("/api/v1/events/forum/history").get_json()["items"]
    assert set(history[0]["changes"]) == {"sources", "recording_url"}


def test_a_stale_proposal_follows_the_record_where_untouched_and_refuses_a_clash(client, people):
    element = create_element(slug="navruz", name={"en": "Navruz"}, summary={"en": "Old."})
    member, moderator = token_header(people["member"]), token_header(people["moderator"])
    base = client.get("/api/v1/elements/navruz").get_json()
    first = client.post(
        "/api/v1/elements/navruz/proposals",
        json={**base, "description": {"en": "A long text."}},
        headers=member,
    ).get_json()["id"]
    second = client.post(
        "/api/v1/elements/navruz/proposals",
        json={**base, "summary": {"en": "Proposed."}},
        headers=member,
    ).get_json()["id"]
    # Meanwhile the record changes: its summary is rewritten.
    data = ElementSchema().load({"slug": "navruz", "name": {"en": "Navruz"}})
    save_element({**data, "summary": {"en": "Newer."}}, Actor("test"), record=element)
    db.session.commit()

    # The first left the summary alone: approving keeps the newer summary.
    assert client.post(f"/api/v1/submissions/{first}/approve", headers=moderator).status_code == 200
    record = client.get("/api/v1/elements/navruz").get_json()
    assert record["summary"] == {"en": "Newer."} and record["description"] == {"en": "A long text."}

    # The second changed the summary too: refused, naming it, nothing changed.
    clash = client.post(f"/api/v1/submissions/{second}/approve", headers=moderator)
    assert clash.status_code == 409 and clash.get_json()["error"]["code"] == "stale"
    assert "Summary" in clash.get_json()["error"]["message"]
    assert db.session.get(Submission, second).state == "pending"

    # A moderator's edit decides; then approval goes through, the edit kept as theirs.
    payload = {**db.session.get(Submission, second).payload, "summary": {"en": "Both."}}
    edited = client.post(
        f"/api/v1/submissions/{second}/edit",
        json={"payload": payload, "reason": "Merged both."},
        headers=moderator,
    )
    assert edited.status_code == 200, edited.get_json()
    assert [s["action"] for s in edited.get_json()["steps"]] == ["submitted", "edited"]
    assert (
        client.post(f"/api/v1/submissions/{second}/approve", headers=moderator).status_code == 200
    )
    record = client.get("/api/v1/elements/navruz").get_json()
    assert record["summary"] == {"en": "Both."} and record["description"] == {"en": "A long text."}
    newest = client.get("/api/v1/elements/navruz/history").get_json()["items"][0]
    assert newest["submission"]["edited_by"] == [
        {"name": "Mira", "organization": None, "process": None}
    ]


def test_only_moderators_edit_proposals_and_only_pending_ones(client, people):
    create_element(slug="navruz", name={"en": "Navruz"})
    member, moderator = token_header(people["member"]), token_header(people["moderator"])
    base = client.get("/api/v1/elements/navruz").get_json()
    sid = client.post("/api/v1/elements/navruz/proposals", json=base, headers=member).get_json()[
        "id"
    ]
    body = {"payload": base}
    assert (
        client.post(f"/api/v1/submissions/{sid}/edit", json=body, headers=member).status_code == 403
    )
    bad = client.post(f"/api/v1/submissions/{sid}/edit", json={"payload": []}, headers=moderator)
    assert bad.status_code == 422
    broken = {"payload": {**base, "name": {}}}
    refused = client.post(f"/api/v1/submissions/{sid}/edit", json=broken, headers=moderator)
    assert refused.status_code == 422 and "name" in refused.get_json()["error"]["fields"]
    reason = {"reason": "No."}
    assert (
        client.post(f"/api/v1/submissions/{sid}/reject", json=reason, headers=moderator).status_code
        == 200
    )
    late = client.post(f"/api/v1/submissions/{sid}/edit", json=body, headers=moderator)
    assert late.status_code == 409


def test_a_proposal_cannot_make_an_organisation_a_member_of_the_network(client, people):
    create_organization(slug="acme", name={"en": "Acme"}, network_role="partner")
    body = client.get("/api/v1/organizations/acme").get_json()
    # Its own answer sent back, one fact corrected: the role it holds is left as it is.
    body["acronym"] = "ACME"
    kept = client.post(
        "/api/v1/organizations/acme/proposals", json=body, headers=token_header(people["member"])
    )
    assert kept.status_code == 202, kept.get_json()
    assert "network_role" not in kept.get_json()["payload"]
    # Another role (or none) is the coordinators' decision, refused by name.
    for role in ("member", None):
        refused = client.post(
            "/api/v1/organizations/acme/proposals",
            json={**body, "network_role": role},
            headers=token_header(people["member"]),
        )
        assert refused.status_code == 422
        assert list(refused.get_json()["error"]["fields"]) == ["network_role"]
    # A new organisation (proposed at sign-up) is proposed without one.
    with pytest.raises(Invalid) as refused_new:
        load_payload(
            "organization",
            {"slug": "newco", "name": {"en": "New"}, "kind": "ngo", "network_role": "member"},
        )
    assert list(refused_new.value.fields) == ["network_role"]
    approved = client.post(
        f"/api/v1/submissions/{kept.get_json()['id']}/approve",
        headers=token_header(people["moderator"]),
    )
    assert approved.status_code == 200, approved.get_json()
    after = client.get("/api/v1/organizations/acme").get_json()
    assert after["acronym"] == "ACME" and after["network_role"] == "partner"
