"""OAI-PMH 2.0 at /oai: harvested by Sickle (a real harvester), answers valid against the XSD."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from lxml import etree
from sickle import Sickle
from sickle.oaiexceptions import BadArgument, CannotDisseminateFormat, IdDoesNotExist

from kb.catalog import RECORD_TYPES
from kb.extensions import db
from kb.models import Element
from tests.browserkit import serve
from tests.factories import create_country, create_element

SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).parent / "vendor/oai/OAI-PMH.xsd")))
OAI = "{http://www.openarchives.org/OAI/2.0/}"
DC = "http://purl.org/dc/elements/1.1/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DCMES = {
    "title", "creator", "subject", "description", "publisher", "contributor", "date", "type",
    "format", "identifier", "source", "language", "relation", "coverage", "rights",
}  # fmt: skip


def valid(xml: bytes) -> etree._Element:
    """The answer parsed, valid against OAI-PMH.xsd, its oai_dc made of DCMES elements."""
    root = etree.fromstring(xml)
    SCHEMA.assertValid(root)
    for dc in root.iter("{http://www.openarchives.org/OAI/2.0/oai_dc/}dc"):
        children = list(dc)
        assert children
        for child in children:
            namespace, name = child.tag[1:].split("}")
            assert namespace == DC and name in DCMES, child.tag
        assert any(c.get(XML_LANG) for c in children if c.tag == f"{{{DC}}}title")
    return root


@pytest.fixture(scope="module")
def harvester(seeded_app):
    seeded_app.config["OAI_ADMIN_EMAIL"] = "ich-network@example.org"
    url, stop = serve(seeded_app)
    yield url + "/oai"
    stop()


def _public(app) -> dict[str, set[str]]:
    with app.app_context():
        out = {}
        for rt in RECORD_TYPES:
            if rt.has_status:
                query = sa.select(rt.model.slug).where(rt.model.status == "published")
                out[rt.name] = set(db.session.scalars(query))
            else:
                out[rt.name] = {c.slug for c in db.session.scalars(sa.select(rt.model))}
        return out


def test_every_answer_is_valid_and_identify_says_what_the_repository_keeps(
    seeded_client, harvester
):
    root = valid(seeded_client.get("/oai?verb=Identify").data)
    identify = root.find(f"{OAI}Identify")
    assert identify.findtext(f"{OAI}deletedRecord") == "persistent"
    assert identify.findtext(f"{OAI}granularity") == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.findtext(f"{OAI}baseURL").endswith("/oai")
    for query in (
        "verb=ListMetadataFormats",
        "verb=ListSets",
        "verb=ListIdentifiers&metadataPrefix=oai_dc",
        "verb=ListRecords&metadataPrefix=oai_dc",
        "verb=ListRecords&metadataPrefix=oai_dc&set=type:festivals",
        "verb=Nonsense",
        "verb=ListRecords",
        "verb=ListRecords&metadataPrefix=marc21",
        "verb=ListRecords&metadataPrefix=oai_dc&from=yesterday",
        "verb=ListRecords&metadataPrefix=oai_dc&from=2020-01-01&until=2020-01-02T00:00:00Z",
        "verb=ListRecords&resumptionToken=garbage",
        "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:nowhere:festivals/x",
        "verb=Identify&verb=Identify",
        "verb=ListSets&extra=1",
    ):
        root = valid(seeded_client.get(f"/oai?{query}").data)
    # POST is answered like GET.
    posted = seeded_client.post("/oai", data={"verb": "Identify"})
    assert valid(posted.data).find(f"{OAI}Identify") is not None


def test_sickle_harvests_every_published_record_once_in_oai_dc(seeded_app, harvester):
    sickle = Sickle(harvester, max_retries=0)
    public = _public(seeded_app)
    seen: dict[str, list[str]] = {name: [] for name in public}
    for record in sickle.ListRecords(metadataPrefix="oai_dc"):
        collection, slug = record.header.identifier.rsplit(":", 1)[1].split("/")
        if record.header.deleted:
            assert slug not in public[collection]
            continue
        seen[collection].append(slug)
        metadata = record.metadata
        assert metadata["title"] and metadata["identifier"][0].endswith(f"/{collection}/{slug}")
    for collection, slugs in seen.items():
        assert sorted(slugs) == sorted(public[collection]), collection  # each once
    assert sum(len(s) for s in seen.values()) > 100  # more than one page: tokens were followed


def test_each_set_holds_its_records(seeded_app, harvester):
    sickle = Sickle(harvester, max_retries=0)
    public = _public(seeded_app)
    specs = [s.setSpec for s in sickle.ListSets()]
    assert {f"type:{rt.name}" for rt in RECORD_TYPES} <= set(specs)
    assert "country:UZ" in specs
    for rt in RECORD_TYPES:
        headers = list(sickle.ListIdentifiers(metadataPrefix="oai_dc", set=f"type:{rt.name}"))
        slugs = sorted(h.identifier.rsplit("/", 1)[1] for h in headers if not h.deleted)
        assert slugs == sorted(public[rt.name]), rt.name
        assert all(f"type:{rt.name}" in h.setSpecs for h in headers)
    in_uz = list(sickle.ListRecords(metadataPrefix="oai_dc", set="country:UZ"))
    assert in_uz and all("country:UZ" in r.header.setSpecs for r in in_uz)
    kinds = {r.header.identifier.rsplit(":", 1)[1].split("/")[0] for r in in_uz}
    assert {"countries", "elements", "festivals"} <= kinds


def test_get_record_has_every_language_tagged(seeded_app, seeded_client):
    with seeded_app.app_context():
        from kb.models import Festival

        festival = db.session.scalars(
            sa.select(Festival).where(Festival.status == "published")
        ).first()
        slug, names = festival.slug, dict(festival.name)
    host = seeded_app.config["BASE_URL"].split("//")[1].split(":")[0].split("/")[0]
    answer = seeded_client.get(
        f"/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:{host}:festivals/{slug}"
    )
    root = valid(answer.data)
    titles = {(t.get(XML_LANG), t.text) for t in root.iter(f"{{{DC}}}title")}
    assert set(names.items()) <= titles  # the name in every language, tagged


def test_incremental_harvest_deletions_and_tokens_that_survive_inserts(app):
    app.config["OAI_ADMIN_EMAIL"] = "ich-network@example.org"
    create_country("UZ")
    from kb.services import oai as svc

    old_size, svc.PAGE_SIZE = svc.PAGE_SIZE, 3
    url, stop = serve(app)
    try:
        for n in range(7):
            create_element(slug=f"old-{n}", countries=["UZ"])
        sickle = Sickle(url + "/oai", max_retries=0)
        first = sickle.ListIdentifiers(metadataPrefix="oai_dc", set="type:elements")
        got = [next(first).identifier for _ in range(3)]  # the first page only
        # Records added while the harvest is under way are left to the next harvest.
        time.sleep(1.1)
        mark = datetime.now(UTC).replace(microsecond=0)
        time.sleep(1.1)
        create_element(slug="new-one", countries=["UZ"])
        got += [h.identifier for h in first]
        slugs = [i.rsplit("/", 1)[1] for i in got]
        assert sorted(slugs) == sorted(f"old-{n}" for n in range(7))  # each once, none skipped
        # Taking one down: it answers as deleted from then on.
        old = db.session.scalar(sa.select(Element).where(Element.slug == "old-2"))
        old.status = "draft"
        db.session.commit()
        since = mark.strftime("%Y-%m-%dT%H:%M:%SZ")
        changed = list(sickle.ListIdentifiers(metadataPrefix="oai_dc", **{"from": since}))
        states = {h.identifier.rsplit("/", 1)[1]: h.deleted for h in changed}
        assert states == {"new-one": False, "old-2": True}
        until = (mark - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        before = list(
            sickle.ListIdentifiers(metadataPrefix="oai_dc", until=until, set="type:elements")
        )
        assert "new-one" not in {h.identifier.rsplit("/", 1)[1] for h in before}
        with pytest.raises(IdDoesNotExist):
            sickle.GetRecord(identifier="oai:elsewhere.org:elements/old-1", metadataPrefix="oai_dc")
        with pytest.raises(CannotDisseminateFormat):
            next(sickle.ListRecords(metadataPrefix="marc21"))
        with pytest.raises(BadArgument):
            next(
                sickle.ListRecords(
                    metadataPrefix="oai_dc",
                    **{"from": "2020-01-01", "until": "2020-01-02T00:00:00Z"},
                )
            )
        assert 'code="badVerb"' in sickle.harvest(verb="Harvest").raw
    finally:
        svc.PAGE_SIZE = old_size
        stop()
