"""Record pages describe themselves in schema.org JSON-LD, read back with a real JSON-LD processor.

The pages' JSON-LD is expanded by pyld (the JSON-LD 1.1 reference implementation for
Python); expansion fails on malformed JSON-LD and yields full schema.org IRIs, on which
the required properties of each type are checked. The tests run offline: the
`https://schema.org` context is answered locally by a document loader with schema.org's
vocabulary (`@vocab`), which is what the context maps every term to.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from pyld import jsonld

from kb.catalog import RECORD_TYPES
from kb.extensions import db
from kb.i18n import LANGUAGES
from tests.factories import create_country, create_event, create_organization

S = "https://schema.org/"
SCHEMA_CONTEXT = {"@context": {"@vocab": S}}


def _loader(url, options=None):
    if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
        return {"contextUrl": None, "documentUrl": url, "document": SCHEMA_CONTEXT}
    raise AssertionError(f"the JSON-LD names a context other than schema.org: {url}")


class Scripts(HTMLParser):
    """The contents of the page's <script type="application/ld+json"> blocks."""

    def __init__(self):
        super().__init__()
        self.blocks: list[str] = []
        self._in = False

    def handle_starttag(self, tag, attrs):
        self._in = tag == "script" and dict(attrs).get("type") == "application/ld+json"
        if self._in:
            self.blocks.append("")

    def handle_endtag(self, tag):
        self._in = False

    def handle_data(self, data):
        if self._in:
            self.blocks[-1] += data


def linked_data(html: str) -> tuple[dict, list[dict]]:
    """The page's one JSON-LD document and its expanded form (pyld)."""
    parser = Scripts()
    parser.feed(html)
    assert len(parser.blocks) == 1, "one JSON-LD block per record page"
    data = json.loads(parser.blocks[0])
    expanded = jsonld.expand(data, {"documentLoader": _loader})
    assert expanded, "the JSON-LD expands to nothing (unknown terms are dropped)"
    return data, expanded


def nodes(expanded, type_name: str) -> list[dict]:
    """Every node (at any depth) of schema.org type `type_name`."""
    out = []

    def walk(value):
        if isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, dict):
            if S + type_name in value.get("@type", []):
                out.append(value)
            for v in value.values():
                walk(v)

    walk(expanded)
    return out


def values(node: dict, prop: str) -> list:
    return node.get(S + prop, [])


def languages_of(node: dict, prop: str) -> set[str]:
    return {v.get("@language") for v in values(node, prop) if "@value" in v}


#: Properties each type must have (search engines' required ones, and the issue's).
REQUIRED = {
    "Organization": ("name", "url"),
    "Event": ("name", "startDate", "url"),
    "Festival": ("name", "url"),
    "CreativeWork": ("name", "url", "inLanguage"),
    "Article": ("headline", "name", "url", "inLanguage"),
    "Country": ("name", "url", "identifier"),
}
TOP_TYPE = {
    "organizations": "Organization",
    "events": "Event",
    "festivals": "Festival",
    "elements": "CreativeWork",
    "case-studies": "Article",
    "countries": "Country",
}


def _expected(rt, record) -> tuple[str, ...]:
    """Properties a record must have because its data hold what they say."""
    out = []
    if rt.name == "events":
        if record.online is not None or record.venue:
            out += ["location", "eventAttendanceMode"]
        if record.languages:
            out.append("inLanguage")
        if record.sessions:
            out.append("subEvent")
        if any(link.role == "organizer" for link in record.organization_links):
            out.append("organizer")
    if rt.name in ("elements", "case-studies") and record.countries:
        out.append("spatialCoverage")
    if rt.name == "elements" and record.domains:
        out.append("about")
    if rt.name == "case-studies" and (record.elements or record.festivals or record.organizations):
        out.append("about")
    if rt.name == "festivals" and any(e.start_date for e in record.editions):
        out.append("subEvent")
    return tuple(out)


CONDITIONAL: dict[str, dict[str, tuple]] = {}


def _published(app, rt, limit=12):
    with app.app_context():
        query = sa.select(rt.model)
        if rt.has_status:
            query = query.where(rt.model.status == "published")
        records = db.session.scalars(query.order_by(rt.model.id).limit(limit)).all()
        CONDITIONAL[rt.name] = {r.slug: _expected(rt, r) for r in records}
        return [(r.slug, dict(r.label)) for r in records]


@pytest.mark.parametrize("rt", RECORD_TYPES, ids=lambda rt: rt.name)
def test_every_record_page_carries_valid_json_ld_with_its_types_required_properties(
    seeded_app, seeded_client, rt
):
    records = _published(seeded_app, rt)
    assert records
    root = seeded_app.config["BASE_URL"].rstrip("/")
    for slug, label in records:
        for lang in LANGUAGES:
            html = seeded_client.get(f"/{lang}/{rt.name}/{slug}").text
            data, expanded = linked_data(html)
            assert data["@context"] == "https://schema.org"
            (top,) = [n for n in expanded if n.get("@id", "").endswith(f"/{rt.name}/{slug}#record")]
            type_name = TOP_TYPE[rt.name]
            assert S + type_name in top["@type"], (slug, top["@type"])
            for prop in REQUIRED[type_name]:
                assert values(top, prop), f"{rt.name}/{slug}: no {prop}"
            assert values(top, "url")[0]["@value"] == f"{root}/{lang}/{rt.name}/{slug}"
            # Names in every language the record has one.
            assert languages_of(top, "name") == {c for c, t in label.items() if t}, slug
            for prop in CONDITIONAL.get(rt.name, {}).get(slug, ()):
                assert values(top, prop), f"{rt.name}/{slug}: no {prop}"


def test_an_event_lists_sessions_organizers_and_languages_but_never_its_joining_link(app, client):
    with app.app_context():
        create_country("KR")
        org = create_organization(
            slug="ichcap", name={"en": "ICHCAP", "ko": "유네스코 아태무형유산센터"}
        )
        create_event(
            slug="online-forum",
            online=True,
            title={"en": "Online forum", "ru": "Онлайн-форум", "ko": "온라인 포럼"},
            languages=["en", "ko"],
            join_url="https://meet.example.org/secret-room",
            organizations=[{"organization": org.slug, "role": "organizer"}],
            sessions=[
                {
                    "title": {"en": "Opening", "ko": "개회"},
                    "starts_at": "2030-11-18T13:00:00+09:00",
                    "ends_at": "2030-11-18T14:00:00+09:00",
                    "languages": ["ko"],
                    "join_url": "https://meet.example.org/secret-session",
                    "speakers": [{"name": "Kim Min-ji", "affiliation": {"en": "ICHCAP"}}],
                },
                {"title": {"en": "Panel"}, "starts_at": "2030-11-18T14:30:00+09:00"},
            ],
        )
        create_event(
            slug="bukhara-meeting",
            kind="meeting",
            online=False,
            venue={"en": "Ark of Bukhara"},
            country="KR",
            title={"en": "Meeting"},
        )
    html = client.get("/ko/events/online-forum").text
    assert "secret-room" not in html and "secret-session" not in html
    data, expanded = linked_data(html)
    (event,) = [n for n in expanded if S + "Event" in n["@type"]]
    assert values(event, "eventAttendanceMode")[0]["@value"].endswith("OnlineEventAttendanceMode")
    assert [v["@value"] for v in values(event, "inLanguage")] == ["en", "ko"]
    assert languages_of(event, "name") == {"en", "ru", "ko"}
    (location,) = values(event, "location")
    assert S + "VirtualLocation" in location["@type"]
    assert values(location, "url")[0]["@value"].endswith("/ko/events/online-forum")
    (organizer,) = values(event, "organizer")
    assert languages_of(organizer, "name") == {"en", "ko"}
    sessions = values(event, "subEvent")
    assert len(sessions) == 2
    assert values(sessions[0], "startDate")[0]["@value"] == "2030-11-18T04:00:00+00:00"
    assert [v["@value"] for v in values(sessions[0], "inLanguage")] == ["ko"]
    assert nodes(sessions[0], "Person")
    _, expanded = linked_data(client.get("/en/events/bukhara-meeting").text)
    (event,) = [n for n in expanded if S + "Event" in n["@type"]]
    assert values(event, "eventAttendanceMode")[0]["@value"].endswith("OfflineEventAttendanceMode")
    (place,) = values(event, "location")
    assert S + "Place" in place["@type"]
    assert values(values(place, "address")[0], "addressCountry")[0]["@value"] == "KR"


def test_a_festival_is_an_event_series_with_its_editions(seeded_app, seeded_client):
    from kb.models import Festival

    with seeded_app.app_context():
        festival = db.session.scalars(
            sa.select(Festival).where(Festival.status == "published", Festival.editions.any())
        ).first()
        slug = festival.slug
        dated = [e.year for e in festival.editions if e.start_date]
    _, expanded = linked_data(seeded_client.get(f"/ru/festivals/{slug}").text)
    (top,) = [n for n in expanded if n.get("@id", "").endswith(f"/festivals/{slug}#record")]
    assert {S + "Festival", S + "EventSeries"} <= set(top["@type"])
    editions = values(top, "subEvent")
    assert len(editions) == len(dated)
    for edition in editions:
        assert values(edition, "startDate") and values(edition, "location")


def test_a_draft_has_no_json_ld(app, client):
    from tests.factories import create_festival

    with app.app_context():
        draft = create_festival(slug="draft-fest")
        draft.status = "draft"
        db.session.commit()
    parser = Scripts()
    parser.feed(client.get("/en/festivals/draft-fest").text)
    assert parser.blocks == []
