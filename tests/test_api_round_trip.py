"""The API takes back its own shape: GET, change one field, send it all back."""

import pytest
import sqlalchemy as sa

from kb.extensions import db
from kb.models import Event, Submission
from tests.eventkit import account, bearer, client_of, event_body
from tests.factories import create_festival, create_organization
from tests.journeys import directory, festival_body, fresh_client, make_account, token_for


def _event(app):
    create_organization(slug="ichcap")
    organizer = account("organizer@ichcap.org")
    api, headers = client_of(app), bearer(organizer)
    body = event_body("round-trip", organizations=[{"organization": "ichcap", "role": "organizer"}])
    assert api.post("/api/v1/events", json=body, headers=headers).status_code == 201
    return api, headers


def test_get_modify_patch_of_an_event_keeps_everything_else(app):
    api, headers = _event(app)
    answer = api.get("/api/v1/events/round-trip", headers=headers).get_json()
    read_only = {"status", "created_at", "updated_at", "state", "organizers_by_role"}
    assert read_only <= set(answer)
    answer["title"] = {**answer["title"], "en": "Round trip, renamed"}
    patched = api.patch("/api/v1/events/round-trip", json=answer, headers=headers)
    assert patched.status_code == 200, patched.get_json()
    after = patched.get_json()
    assert after["title"]["en"] == "Round trip, renamed"
    for key in ("sessions", "organizations", "timezone", "starts_at", "country", "status"):
        assert after.get(key) == answer.get(key), key
    event = db.session.scalar(sa.select(Event).where(Event.slug == "round-trip"))
    # The joining links, never in an answer, are kept when the answer is sent back.
    assert event.join_url and event.sessions[0].join_url
    # Sent twice (a stale updated_at): still accepted, it changes by itself.
    again = api.patch("/api/v1/events/round-trip", json=answer, headers=headers)
    assert again.status_code == 200, again.get_json()


@pytest.mark.parametrize(
    ("key", "value"),
    [("status", "published"), ("created_at", "2001-01-01T00:00:00+00:00")],
)
def test_a_changed_read_only_key_is_refused_by_name(app, key, value):
    api, headers = _event(app)
    answer = api.get("/api/v1/events/round-trip", headers=headers).get_json()
    answer[key] = value
    refused = api.patch("/api/v1/events/round-trip", json=answer, headers=headers)
    assert refused.status_code == 422
    fields = refused.get_json()["error"]["fields"]
    assert key in fields and "read-only" in str(fields[key])
    assert api.get("/api/v1/events/round-trip", headers=headers).get_json()["status"] == "draft"


def test_an_event_created_without_a_slug_gets_one_from_its_english_title(app):
    api, headers = _event(app)
    body = event_body("ignored")
    del body["slug"]
    body["title"] = {"en": "Round Trip", "ko": "왕복"}
    first = api.post("/api/v1/events", json=body, headers=headers)
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["slug"] == "round-trip-2"  # round-trip is taken
    # An answer posted as a new event: its read-only keys are ignored, nested objects taken.
    copy = api.get("/api/v1/events/round-trip", headers=headers).get_json()
    copy["slug"] = "round-trip-copy"
    created = api.post("/api/v1/events", json=copy, headers=headers)
    assert created.status_code == 201, created.get_json()
    assert [o["slug"] for o in created.get_json()["organizers_by_role"]["organizer"]] == ["ichcap"]


def test_get_modify_post_of_a_festival_proposes_the_change(app):
    client = fresh_client(app)
    directory()
    create_festival(**{k: v for k, v in festival_body().items()})
    member = make_account("org@example.org", organization="ichcap", name="Dilnoza")
    answer = client.get("/api/v1/festivals/boysun-bahori").get_json()
    assert {"status", "created_at", "updated_at", "case_studies"} <= set(answer)
    answer["website"] = "https://new.example"
    response = client.post("/api/v1/festivals", json=answer, headers=bearer_of(member))
    assert response.status_code == 202, response.get_json()
    assert response.get_json()["kind"] == "change"
    submission = db.session.get(Submission, response.get_json()["id"])
    assert submission.payload["website"] == "https://new.example"
    assert submission.payload["organizers"] == ["ichcap"]  # nested objects taken as slugs
    answer["status"] = "draft"
    refused = client.post("/api/v1/festivals", json=answer, headers=bearer_of(member))
    assert refused.status_code == 422 and "status" in refused.get_json()["error"]["fields"]


def bearer_of(member) -> dict:
    return {"Authorization": f"Bearer {token_for(member)}"}


def test_the_openapi_document_marks_read_only_fields(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    readonly = {
        name: {k for k, v in schema.get("properties", {}).items() if v.get("readOnly")}
        for name, schema in schemas.items()
    }
    assert any({"status", "created_at", "updated_at"} <= keys for keys in readonly.values())
    event = next(keys for name, keys in readonly.items() if "state" in keys)
    assert {"registration_state", "places_left", "calendar_url"} <= event


def test_the_openapi_document_passes_the_openapi_spec_validator(client):
    from openapi_spec_validator import validate

    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)  # raises OpenAPIValidationError naming the first violation
