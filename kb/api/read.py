"""Reading records: a collection (paged, filtered) and a record by slug, for every type."""

from __future__ import annotations

from flask import jsonify, request

from kb.api import bp, page_json
from kb.catalog import CATALOG, COLLECTIONS, list_records
from kb.httpcache import SHORT, conditional
from kb.i18n import current_language


@bp.get(f"/<{COLLECTIONS}:collection>")
def collection(collection: str):
    """One page of a collection."""
    record_type = CATALOG[collection]
    filters = record_type.args().load(request.args)

    def render():
        page = list_records(record_type, filters, current_language())
        return jsonify(page_json(page, record_type.schema(many=True).dump(page.items))), None

    # Like the pages' lists: the filters are in the address, which the ETag holds, and
    # "upcoming" goes by the day; an answer is serialised once per version and process.
    # The language comes from `?lang=` or Accept-Language (names and order follow it).
    return _by_language(conditional(render, collection, max_age=SHORT))


@bp.get(f"/<{COLLECTIONS}:collection>/<slug>")
def record(collection: str, slug: str):
    """One record, with its links in both directions."""
    record_type = CATALOG[collection]

    def render():
        item = record_type.get(slug)
        return jsonify(record_type.detail_schema().dump(item)), item.updated_at

    return _by_language(conditional(render, collection))


def _by_language(response):
    """A shared cache must keep one answer per Accept-Language (the `Cookie` is there
    already): without `?lang=`, the API answers in the reader's language."""
    response.vary.add("Accept-Language")
    return response
