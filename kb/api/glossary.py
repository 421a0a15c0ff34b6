"""GET /api/v1/glossary: the network's terms in three languages (translations/terms.yaml)."""

from __future__ import annotations

from flask import jsonify, request, url_for

from kb.api import bp
from kb.api.openapi import describe
from kb.i18n import LANGUAGES
from kb.schemas.glossary import GlossaryArgs, GlossarySchema, GlossaryTermSchema
from kb.services import glossary
from kb.terms import Term


def term_json(term: Term, with_records: bool = False) -> dict:
    """A term as the API gives it."""
    use = glossary.usage()[term.id]
    answer = {
        "id": term.id,
        "term": dict(term.forms),
        "short": dict(term.short),
        "definition": dict(term.definition),
        "sources": dict(term.sources),
        "page": {lang: url_for("pages.glossary", lang=lang, _anchor=term.id) for lang in LANGUAGES},
        "url": url_for("api.glossary_term", term_id=term.id),
        "records_total": use.total,
    }
    if with_records:
        answer["records"] = [
            {
                "type": collection,
                "slug": slug,
                "name": name,
                "url": url_for("api.record", collection=collection, slug=slug),
            }
            for collection, slug, name in use.records
        ]
    return answer


@bp.get("/glossary", endpoint="glossary")
def glossary_terms():
    """Every term (the glossary is short: one page holds it), or those `q` names."""
    query = GlossaryArgs().load(request.args)["q"].strip()
    chosen = glossary.matching(query) if query else glossary.terms()
    items = [term_json(term) for term in chosen]
    return jsonify({"items": items, "total": len(items), "page": 1, "per_page": len(items)})


@bp.get("/glossary/<term_id>", endpoint="glossary_term")
def glossary_term(term_id: str):
    """One term, with the first records that use it."""
    return jsonify(term_json(glossary.get_term(term_id), with_records=True))


_PATH = {"in": "path", "name": "term_id", "required": True, "schema": {"type": "string"}}
describe(
    "/api/v1/glossary",
    "get",
    {
        "summary": "The network's terms in English, Russian and Korean, with definitions",
        "description": (
            "One form per term and language, as this knowledge base uses it, with a "
            "definition in each language and the number of records that use the term."
        ),
        "tags": ["glossary"],
        "parameters": [{"in": "query", "schema": GlossaryArgs}],
        "responses": {
            "200": {
                "description": "Every term (or those `q` names)",
                "content": {"application/json": {"schema": "Glossary"}},
            }
        },
    },
    [GlossarySchema, GlossaryTermSchema],
)
describe(
    "/api/v1/glossary/{term_id}",
    "get",
    {
        "summary": "One term of the glossary, with the first records that use it",
        "tags": ["glossary"],
        "parameters": [_PATH],
        "responses": {
            "200": {
                "description": "The term",
                "content": {"application/json": {"schema": "GlossaryTerm"}},
            },
            "404": {
                "description": "No term has this id",
                "content": {"application/json": {"schema": "Error"}},
            },
        },
    },
    [GlossaryTermSchema],
)
