"""The read API: collections, records, filters, pagination, errors and its OpenAPI document."""

import json
import re

import pytest

from kb.catalog import RECORD_TYPES
from kb.i18n import LANGUAGES


@pytest.mark.parametrize("collection", [rt.name for rt in RECORD_TYPES])
def test_collections_list_the_seed_with_names_in_three_languages(seeded_client, collection):
    body = seeded_client.get(f"/api/v1/{collection}?per_page=100").get_json()
    assert set(body) == {"items", "total", "page", "per_page"}
    assert body["total"] == len(body["items"]) > 0 and body["page"] == 1 and body["per_page"] == 100
    key = "title" if collection in ("case-studies", "events") else "name"
    for item in body["items"]:
        assert all(item[key].get(lang) for lang in LANGUAGES), item.get("slug")


def test_a_record_is_at_its_slug_with_links_both_ways(seeded_client):
    element = seeded_client.get("/api/v1/elements/pansori-epic-chant").get_json()
    assert element["name"]["ko"] == "판소리"
    assert element["countries"][0]["code"] == "KR"
    assert "jeonju-international-sori-festival" in [f["slug"] for f in element["festivals"]]
    org = seeded_client.get("/api/v1/organizations/ichcap").get_json()
    assert {"event": "2020-silk-roads-ich-webinar", "role": "co-organizer"} in [
        {"event": e["event"]["slug"], "role": e["role"]} for e in org["events"]
    ]
    country = seeded_client.get("/api/v1/countries/uz").get_json()
    assert country["code"] == "UZ" and country["records"]["festivals"]


def test_the_2020_meetings_with_sessions_times_languages_and_organizers(seeded_client):
    body = seeded_client.get("/api/v1/events?year=2020&kind=webinar").get_json()
    webinar = body["items"][0]
    assert webinar["slug"] == "2020-silk-roads-ich-webinar"
    meeting = seeded_client.get("/api/v1/events/2020-silk-roads-ich-strategic-meeting").get_json()
    for event in (webinar, meeting):
        assert event["starts_at"] == "2020-11-18T13:00:00+09:00"
        assert event["ends_at"] == "2020-11-19T17:30:00+09:00"
        assert event["timezone"] == "Asia/Seoul" and event["languages"] == ["en", "ru", "ko"]
        roles = {(o["organization"]["slug"], o["role"]) for o in event["organizations"]}
        assert {("ichcap", "co-organizer"), ("iicas", "co-organizer")} <= roles
        assert ("unesco-silk-roads-program", "supporter") in roles
    assert webinar["theme"]["en"] == "Life, Environment, and ICH along the Silk Roads"
    assert len(webinar["topics"]) == 4
    titles = [s["title"]["en"] for s in meeting["sessions"]]
    assert titles == [
        "Case Studies on the Vitalization of the Silk Roads ICH: ICH Festivals & Sustainable Development",
        "Cooperation and Solidarity for Operating the ICH Network along the Silk Roads",
        "Collaborative Work and Benefits through Activities of the Silk Roads ICH Network",
    ]


def test_filters_and_pagination(seeded_client):
    kz = seeded_client.get("/api/v1/elements?country=kz&per_page=100").get_json()
    assert kz["total"] > 0 and all("KZ" in [c["code"] for c in e["countries"]] for e in kz["items"])
    page2 = seeded_client.get("/api/v1/elements?per_page=5&page=2").get_json()
    page1 = seeded_client.get("/api/v1/elements?per_page=5&page=1").get_json()
    assert len(page2["items"]) == 5 and page2["total"] == page1["total"]
    assert not {e["slug"] for e in page1["items"]} & {e["slug"] for e in page2["items"]}
    usl = seeded_client.get("/api/v1/elements?list=urgent-safeguarding").get_json()
    assert {e["unesco_list"] for e in usl["items"]} == {"urgent-safeguarding"}


def test_errors_are_json_with_fields(seeded_client):
    response = seeded_client.get("/api/v1/elements?per_page=1000&domain=cooking")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and set(error["fields"]) == {"per_page", "domain"}
    response = seeded_client.get("/api/v1/festivals/no-such-festival")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    response = seeded_client.get("/api/v1/no-such-collection")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_openapi_describes_every_api_route(seeded_app, seeded_client):
    spec = seeded_client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    described = {(path, method) for path, item in spec["paths"].items() for method in item}
    routes = set()
    for rule in seeded_app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
            # A collection is any record type, or those its converter lists (proposals).
            converter = rule._converters.get("collection")
            names = sorted(getattr(converter, "items", [rt.name for rt in RECORD_TYPES]))
            names = names if "{collection}" in path else [None]
            for name in names:
                concrete = path.replace("{collection}", name) if name else path
                routes |= {(concrete, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes and routes <= described, routes - described
    assert described <= routes, described - routes


def test_openapi_schemas_list_every_key_the_api_answers(seeded_client):
    spec = seeded_client.get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    for rt in RECORD_TYPES:
        name = rt.detail_schema.__name__.removesuffix("Schema")
        record = seeded_client.get(f"/api/v1/{rt.name}?per_page=1").get_json()["items"][0]
        detail = seeded_client.get(f"/api/v1/{rt.name}/{record['slug']}").get_json()
        assert set(detail) <= set(schemas[name]["properties"]), rt.name


def test_no_private_field_in_any_answer(seeded_client):
    for rt in RECORD_TYPES:
        body = seeded_client.get(f"/api/v1/{rt.name}?per_page=100").get_json()
        assert "join_url" not in json.dumps(body)
