"""Every record's history at /api/v1/<type>/<slug>/history: who changed what, and when."""

from __future__ import annotations

from flask import jsonify, request

from kb.api import bp, page_json
from kb.api.openapi import describe
from kb.catalog import CATALOG, COLLECTIONS, RECORD_TYPES
from kb.schemas.args import PageArgs
from kb.schemas.submissions import HistoryEntrySchema
from kb.services import history


@bp.get(f"/<{COLLECTIONS}:collection>/<slug>/history")
def record_history(collection: str, slug: str):
    """Every published change of a record, newest first."""
    record_type = CATALOG[collection]
    record = record_type.get(slug)
    args = PageArgs().load(request.args)
    page = history.history(record_type.singular, record.id, **args)
    return jsonify(page_json(page, HistoryEntrySchema(many=True).dump(page.items)))


def _document(name: str) -> None:
    describe(
        f"/api/v1/{name}/{{slug}}/history",
        "get",
        {
            "summary": f"Every published change of one of the {name}, newest first",
            "description": (
                "Who published each change (and who proposed it, when it came through "
                "moderation), when, and each field as [before, after] in the record's API "
                "shape. Names and organisations only: never e-mail addresses, never "
                "private values such as joining links (their change is listed as null)."
            ),
            "tags": [name],
            "parameters": [
                {"in": "path", "name": "slug", "required": True, "schema": {"type": "string"}},
                {"in": "query", "schema": PageArgs},
            ],
            "responses": {
                "200": {
                    "description": "One page of changes",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["items", "total", "page", "per_page"],
                                "properties": {
                                    "items": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/HistoryEntry"},
                                    },
                                    "total": {"type": "integer"},
                                    "page": {"type": "integer"},
                                    "per_page": {"type": "integer"},
                                },
                            }
                        }
                    },
                },
                "400": {
                    "description": "A query argument is not valid",
                    "content": {"application/json": {"schema": "Error"}},
                },
                "404": {
                    "description": "No published record has this slug",
                    "content": {"application/json": {"schema": "Error"}},
                },
            },
        },
        [HistoryEntrySchema],
    )


for _rt in RECORD_TYPES:
    _document(_rt.name)
