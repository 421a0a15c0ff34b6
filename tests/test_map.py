"""The map: its places (as GeoJSON and as a list grouped by country), its filters, the
narrowed maps of country, element and organisation pages, and coordinates checked on the
way in (both or neither, in range) through the API and the forms."""

from datetime import date

import pytest
import sqlalchemy as sa

from kb.extensions import db
from kb.models import Event, Festival, Membership, Organization
from tests.eventkit import account, bearer, client_of, event_body
from tests.factories import (
    create_country,
    create_element,
    create_event,
    create_festival,
    create_organization,
)


def _placed(model) -> set[str]:
    query = sa.select(model.slug).where(model.status == "published", model.latitude.is_not(None))
    return set(db.session.scalars(query))


def _ids(client, query: str = "") -> set[str]:
    response = client.get(f"/en/map/places.json{query}")
    assert response.status_code == 200
    return {f["id"] for f in response.get_json()["features"]}


def test_the_map_shows_every_published_record_with_coordinates_and_nothing_else(seeded_client):
    with seeded_client.application.app_context():
        expected = (
            {f"festivals/{s}" for s in _placed(Festival)}
            | {f"organizations/{s}" for s in _placed(Organization)}
            | {f"events/{s}" for s in _placed(Event)}
        )
    assert len(expected) > 15
    assert _ids(seeded_client) == expected
    feature = next(
        f
        for f in seeded_client.get("/ru/map/places.json").get_json()["features"]
        if f["id"] == "festivals/sharq-taronalari"
    )
    assert feature["geometry"] == {"type": "Point", "coordinates": [66.98, 39.65]}
    assert feature["properties"]["name"].startswith("Международный музыкальный фестиваль")
    assert feature["properties"]["url"] == "/ru/festivals/sharq-taronalari"
    assert feature["properties"]["kind"] == "Фестиваль"


def test_filters_narrow_the_map_by_type_country_element_and_month(seeded_client):
    everything = _ids(seeded_client)
    festivals = _ids(seeded_client, "?type=festivals")
    assert festivals and festivals < everything
    assert all(i.startswith("festivals/") for i in festivals)
    korea = _ids(seeded_client, "?country=KR")
    assert "festivals/gangneung-danoje-festival" in korea and "organizations/ichcap" in korea
    assert "events/2021-srlhn-launching-ceremony" in korea
    assert "festivals/sharq-taronalari" not in korea
    # Pansori is presented at the Jeonju International Sori Festival.
    pansori = _ids(seeded_client, "?element=pansori-epic-chant")
    assert "festivals/jeonju-international-sori-festival" in pansori
    assert "festivals/gangneung-danoje-festival" not in pansori
    assert not any(i.startswith("events/") for i in pansori)
    # August: Sharq Taronalari's usual month; organisations have no month and drop out.
    august = _ids(seeded_client, "?month=8")
    assert "festivals/sharq-taronalari" in august and "festivals/boysun-bahori" not in august
    assert not any(i.startswith("organizations/") for i in august)
    november = _ids(seeded_client, "?month=11")
    assert "events/2020-silk-roads-ich-webinar" in november


def test_bad_filters_are_refused_with_the_field_named(seeded_client):
    response = seeded_client.get("/en/map/places.json?month=13&type=people&country=Korea")
    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == {"month", "type", "country"}
    page = seeded_client.get("/ru/map?month=13")
    assert page.status_code == 400 and 'aria-invalid="true"' in page.text
    assert "Месяц указывается числом от 1 до 12." in page.text


def test_without_a_script_the_map_page_is_a_list_grouped_by_country(seeded_client):
    html = seeded_client.get("/ko/map").text
    groups = html.split('<section class="place-group">')[1:]
    uzbekistan = next(g for g in groups if '<h3><span lang="ko">우즈베키스탄</span>' in g)
    assert 'href="/ko/festivals/sharq-taronalari"' in uzbekistan
    assert 'href="/ko/organizations/iicas"' in uzbekistan
    assert 'href="/ko/organizations/ichcap"' not in uzbekistan
    # The map itself waits for its script, which finds its data in data-* attributes.
    assert 'data-map data-places="/ko/map/places.json"' in html and " hidden " in html
    assert "countries-50m.json" in html and "<script>" not in html and "style=" not in html


@pytest.mark.parametrize(
    "url, narrowed",
    [
        ("/en/countries/kr", "country=KR"),
        ("/en/elements/pansori-epic-chant", "element=pansori-epic-chant"),
        ("/en/organizations/ichcap", "organization=ichcap"),
    ],
)
def test_country_element_and_organization_pages_show_the_map_narrowed(seeded_client, url, narrowed):
    html = seeded_client.get(url).text
    assert f'data-places="/en/map/places.json?{narrowed}"' in html
    assert _ids(seeded_client, f"?{narrowed}")


def test_the_organization_map_holds_it_its_festivals_and_its_events(seeded_client):
    ids = _ids(seeded_client, "?organization=ichcap")
    assert "organizations/ichcap" in ids and "events/2020-silk-roads-ich-webinar" in ids
    assert "organizations/iicas" not in ids


def test_record_pages_say_when_they_have_no_place_on_the_map(seeded_client):
    naadam = seeded_client.get("/en/festivals/naadam").text
    assert "No place on the map is recorded for this record yet." in naadam
    sharq = seeded_client.get("/ru/festivals/sharq-taronalari").text
    assert "39.65, 66.98" in sharq and 'href="/ru/map#place-festivals-sharq-taronalari"' in sharq


def test_coordinates_are_both_or_neither_and_in_range_in_the_api(app):
    create_organization(slug="ichcap")
    create_country("KR")
    api = client_of(app)
    headers = bearer(account("organizer@example.org"))
    half = api.post("/api/v1/events", json=event_body("half", latitude=37.5), headers=headers)
    assert half.status_code == 422
    fields = half.get_json()["error"]["fields"]
    assert set(fields) == {"longitude"} and "Give both latitude and longitude" in str(fields)
    far = event_body("far", latitude=95, longitude="nan", country="KR")
    far = api.post("/api/v1/events", json=far, headers=headers)
    assert set(far.get_json()["error"]["fields"]) == {"latitude", "longitude"}
    placed = event_body("placed", latitude=37.57, longitude=126.98, country="KR")
    assert api.post("/api/v1/events", json=placed, headers=headers).status_code == 201
    patch = api.patch("/api/v1/events/placed", json={"longitude": None}, headers=headers)
    assert patch.status_code == 422 and "longitude" in patch.get_json()["error"]["fields"]
    event = db.session.scalar(sa.select(Event).where(Event.slug == "placed"))
    assert (event.latitude, event.longitude, event.country.code) == (37.57, 126.98, "KR")


def test_a_placed_record_appears_on_the_map_once_published(app, client):
    create_country("UZ")
    element = create_element(slug="palov")
    create_festival(
        slug="palov-festival", countries=["UZ"], elements=["palov"], latitude=41.3, longitude=69.3
    )
    create_organization(slug="unplaced", country="UZ")
    create_event(slug="online-only")
    assert _ids(client) == {"festivals/palov-festival"}
    assert _ids(client, f"?element={element.slug}") == {"festivals/palov-festival"}
    html = client.get("/en/map").text
    assert "1 place" in html and "1 more record matches but has no place on the map yet." in html


def _members_world() -> None:
    """Two members now (one placed, one not), one former member, one never a member."""
    create_country("UZ")
    create_country("KR")
    partner = create_organization(
        slug="boysun", name={"en": "Boysun Office"}, country="UZ", latitude=38.2, longitude=67.2
    )
    unplaced = create_organization(slug="unplaced-member", country="UZ")
    former = create_organization(slug="former", country="KR", latitude=37.56, longitude=126.97)
    create_organization(slug="outsider", country="KR", latitude=35.1, longitude=129.04)
    create_festival(slug="sharq", countries=["UZ"], latitude=39.65, longitude=66.98)
    since = date(2026, 1, 15)
    db.session.add_all(
        [
            Membership(organization_id=partner.id, role="partner", since=since),
            Membership(organization_id=unplaced.id, role="member", since=since),
            Membership(
                organization_id=former.id, role="member", since=since, ended_on=date(2026, 6, 1)
            ),
        ]
    )
    db.session.commit()


def test_the_map_narrowed_to_members_holds_the_members_now_and_nobody_else(app, client):
    _members_world()
    everything = _ids(client)
    assert {"organizations/outsider", "organizations/former", "festivals/sharq"} <= everything
    assert _ids(client, "?members=1") == {"organizations/boysun"}
    assert _ids(client, "?members=1&country=KR") == set()
    assert _ids(client, "?members=1&type=festivals") == set()
    assert _ids(client, "?members=0") == everything
    refused = client.get("/en/map/places.json?members=perhaps")
    assert refused.status_code == 400 and "members" in refused.get_json()["error"]["fields"]

    html = client.get("/en/map?members=1").text
    assert 'id="place-organizations-boysun"' in html
    assert "place-organizations-outsider" not in html and "place-festivals-sharq" not in html
    assert 'name="members" value="1" checked' in html
    # The member without coordinates is counted as such; the non-members are not.
    assert "1 more record matches but has no place on the map yet." in html


def test_a_members_role_is_on_its_marker_and_list_entry_in_the_readers_language(app):
    _members_world()
    client = client_of(app)  # a browser of its own: each request picks its language afresh
    features = {
        f["id"]: f["properties"] for f in client.get("/ru/map/places.json").get_json()["features"]
    }
    assert features["organizations/boysun"]["role"] == "Партнёр"
    assert features["organizations/outsider"]["role"] is None
    assert features["organizations/former"]["role"] is None
    assert features["festivals/sharq"]["role"] is None
    html = client.get("/ru/map?members=1").text
    assert "Роль в сети: Партнёр" in html
    assert "파트너 기관" in client.get("/ko/map/places.json?members=1").text


def test_the_member_directory_links_to_the_map_of_its_members(app, client):
    _members_world()
    html = client.get("/en/members/").text
    assert 'href="/en/map?members=1"' in html
    assert 'href="/en/map?members=1&amp;country=UZ"' in client.get("/en/members/?country=UZ").text
