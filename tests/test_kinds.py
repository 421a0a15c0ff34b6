"""Adding a record type is one entry: every kind reaches every output without more wiring.

Each test iterates over `kb.kinds.KINDS` and takes one published record of each kind
from the seed through each place a record type shows up: its search document and the
index's change log, the API, its page, the exports, the feeds, OAI-PMH, the sitemap,
JSON-LD, and (where anyone may propose a change) a proposal's payload. A kind added to
`KINDS` without its `RecordType`, its seed file or any of these fails here by name.
"""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from kb import kinds, seed
from kb.catalog import BY_MODEL, CATALOG, LOAD_ORDER, RECORD_TYPES
from kb.extensions import db
from kb.models import PRESENTED_TYPES, SearchChange
from kb.schemas import linked
from kb.search.documents import document
from kb.services import payloads, submissions

KINDS = pytest.mark.parametrize("kind", kinds.KINDS, ids=lambda k: k.name)


def _one_published(kind: kinds.Kind):
    query = sa.select(kind.model).order_by(kind.model.id).limit(1)
    if kind.has_status:
        query = query.where(kind.model.status == "published")
    record = db.session.scalar(query)
    assert record is not None, f"the seed has no published {kind.singular}"
    return record


def test_the_catalog_has_one_record_type_per_kind_in_the_same_order():
    assert [rt.kind for rt in RECORD_TYPES] == list(kinds.KINDS)
    assert [rt.kind for rt in LOAD_ORDER] == list(kinds.LOAD_ORDER)
    assert {rt.model for rt in RECORD_TYPES} == set(BY_MODEL)


@KINDS
def test_every_kind_names_services_that_exist(kind):
    """The services a kind names by reference (they sit above kb.kinds) are there."""
    assert callable(kind.save)
    assert (kind.merge is not None) == (kind.facts is not None)
    assert kind.merge is None or callable(kind.merge)


def test_the_records_a_programme_may_present_are_the_kinds_that_say_so():
    assert set(kinds.BY_PRESENTED) == set(PRESENTED_TYPES)


@KINDS
def test_every_kind_has_a_seed_file_that_loads_through_its_save(kind):
    files = {name: (schema, save) for name, schema, save in seed.FILES}
    assert kind.seed_file in files
    assert files[kind.seed_file] == (kind.schema, CATALOG[kind.name].save)


@KINDS
def test_every_kind_is_indexed_and_its_record_outputs_work(seeded_app, kind):
    rt = CATALOG[kind.name]
    with seeded_app.test_request_context("/en/"):
        record = _one_published(kind)
        doc = document(record)
        assert doc is not None and doc["type"] == kind.name and doc["slug"] == record.slug
        assert doc["name"] and doc["facets"]["lang"]
        data = linked.document(rt.linked_data, record, "en")
        assert f"/{kind.name}/{record.slug}#" in data["@id"]
        assert rt.dublin_core(record)


@KINDS
def test_every_kind_answers_in_the_api_pages_exports_feeds_sitemap_and_oai(
    seeded_app, seeded_client, kind
):
    with seeded_app.app_context():
        slug = _one_published(kind).slug
    assert seeded_client.get(f"/api/v1/{kind.name}/{slug}").get_json()["slug"] == slug
    assert seeded_client.get(f"/en/{kind.name}/{slug}").status_code == 200
    csv = seeded_client.get(f"/{kind.name}.csv").get_data(as_text=True)
    assert slug in csv.lower()  # countries are exported by their code, UZ
    exported = json.loads(seeded_client.get(f"/{kind.name}.json").get_data(as_text=True))
    assert slug in json.dumps(exported).lower()
    assert seeded_client.get(f"/en/feeds/{kind.name}.atom").status_code == 200
    sitemap = seeded_client.get(f"/sitemaps/{kind.name}-1.xml").get_data(as_text=True)
    assert f"/{kind.name}/{slug}" in sitemap
    oai = seeded_client.get(
        f"/oai?verb=ListIdentifiers&metadataPrefix=oai_dc&set=type:{kind.name}"
    ).get_data(as_text=True)
    assert f"{kind.name}/{slug}</identifier>" in oai


@pytest.mark.parametrize("kind", [k for k in kinds.KINDS if k.proposals], ids=lambda k: k.name)
def test_every_proposable_kind_turns_a_record_into_a_payload_that_checks(seeded_app, kind):
    """What a change proposal starts from is valid as it is (its own record, unchanged)."""
    with seeded_app.test_request_context("/en/"):
        record = _one_published(kind)
        payload = payloads.payload_of(kind.singular, record)
        assert payload["slug"] == record.slug
        # As kb.services.submissions.start takes it: the coordinators' keys left as they are
        payloads.check_payload(kind.singular, payloads.facts_only(kind.singular, record, payload))
        assert submissions.MODELS[kind.singular] is kind.model
        texts = CATALOG[kind.name].proposal_texts
        assert texts and all(key in kind.schema().fields for key in texts)


@KINDS
def test_every_kind_notes_its_changes_and_its_parts_changes_for_the_index(app, kind):
    """Saving a record, or a row that belongs to it, queues the record for re-indexing."""
    from tests import factories

    with app.app_context():
        factories.create_country("UZ")
        make = getattr(factories, f"create_{kind.singular}")
        record = make() if kind is not kinds.COUNTRY else factories.create_country("KZ")
        queued = set(
            db.session.execute(sa.select(SearchChange.record_type, SearchChange.record_id))
        )
        assert (kind.name, record.id) in queued
