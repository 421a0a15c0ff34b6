"""GET /api/v1/search: every public record, in any working language, with facets."""

from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _

from kb.api import bp
from kb.api.openapi import describe
from kb.errors import error_json
from kb.i18n import current_language
from kb.schemas.search import SearchArgs, SearchResultsSchema
from kb.search import SearchUnavailable, search
from kb.searchcache import kept_or_rendered
from kb.urls import record_url

#: The arguments' schema, made once.
ARGS = SearchArgs()


def filters_of(args: dict) -> dict:
    """The loaded arguments as the index's facet filters."""
    return {field: args[name] for name, field in SearchArgs.FACET_FIELDS.items() if name in args}


@bp.get("/search")
def search_records():
    """One page of records matching `q`, with facet counts and a suggestion."""
    args = ARGS.load(request.args)
    try:
        # Kept per address, language and index (kb/searchcache.py).
        return kept_or_rendered(lambda: _answer(args))
    except SearchUnavailable:  # never empty results from an index that is not right
        response = error_json(
            503,
            "search_rebuilding",
            _("Search is being rebuilt. Please try again in a few minutes."),
        )
        response.headers["Retry-After"] = "60"
        return response


def _answer(args: dict):
    results = search(
        args["q"],
        filters_of(args),
        page=args["page"],
        per_page=args["per_page"],
        lang=current_language(),
    )
    items = [
        {
            "type": hit.type,
            "slug": hit.slug,
            "name": hit.name,
            "snippet": str(hit.snippet),
            "snippet_lang": hit.snippet_lang,
            "url": record_url("api.record", hit.type, hit.slug),
        }
        for hit in results.items
    ]
    facets = {
        name: [{"value": value, "count": count} for value, count in values]
        for name, values in results.facets.items()
    }
    return jsonify(
        {
            "items": items,
            "total": results.total,
            "page": results.page,
            "per_page": results.per_page,
            "facets": facets,
            "suggestion": results.suggestion,
            "suggested_filters": results.suggested_filters,
        }
    )


describe(
    "/api/v1/search",
    "get",
    {
        "summary": "Search every public record in English, Russian and Korean at once",
        "description": (
            "Words are matched in every language (Russian cases and Korean particles "
            'included); "quoted phrases" and prefix* work; a query is never refused. '
            "When no record has every word, records with some of them are returned. "
            "Facet counts cover all results; `suggestion` offers a corrected query; "
            "`suggested_filters` the filters the query names (a country, a type, a year)."
        ),
        "tags": ["search"],
        "parameters": [{"in": "query", "schema": SearchArgs}],
        "responses": {
            "200": {
                "description": "One page of results",
                "content": {"application/json": {"schema": "SearchResults"}},
            },
            "503": {
                "description": (
                    "code `search_rebuilding`: this host's index is being rebuilt from the "
                    "database (missing, or built from another database); see Retry-After"
                ),
                "content": {"application/json": {"schema": "Error"}},
            },
            "400": {
                "description": "A filter is not valid",
                "content": {"application/json": {"schema": "Error"}},
            },
        },
    },
    [SearchResultsSchema],
)
