"""Search: the query arguments (pages and API alike) and the answer's shape."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields

from kb.kinds import KINDS
from kb.models import DOMAINS, UNESCO_LISTS
from kb.schemas.args import PageArgs
from kb.schemas.fields import LANG_CODE, CountryRef, LangText, Pattern, one_of, year

#: The record types search returns, by collection name.
SEARCH_TYPES = tuple(kind.name for kind in KINDS)


class SearchArgs(PageArgs):
    """`q` (any text: it is never refused, only cut to a sane length) and the filters."""

    q = fields.String(load_default="", metadata={"description": "What to look for"})
    type = fields.String(validate=one_of(SEARCH_TYPES))
    country = CountryRef()
    domain = fields.String(validate=one_of(DOMAINS))
    unesco_list = fields.String(data_key="list", validate=one_of(UNESCO_LISTS))
    year = fields.Integer(validate=year())
    language = fields.String(
        validate=Pattern(LANG_CODE, error=_l("Not a language code.")),
        metadata={"description": "Records with text in this language"},
    )

    #: Argument name → the index's facet field.
    FACET_FIELDS = {
        "type": "type",
        "country": "country",
        "domain": "domain",
        "unesco_list": "list",
        "year": "year",
        "language": "lang",
    }


class SearchItemSchema(Schema):
    """One search result."""

    type = fields.String(metadata={"description": "The collection: elements, festivals, …"})
    slug = fields.String()
    name = LangText()
    snippet = fields.String(
        metadata={"description": "HTML: text around the matched words, marked with <mark>"}
    )
    snippet_lang = fields.String(allow_none=True)
    url = fields.String(metadata={"description": "The record in this API"})


class FacetValueSchema(Schema):
    """How many results have one value of a facet."""

    value = fields.String()
    count = fields.Integer()


class SearchResultsSchema(Schema):
    """The answer of /api/v1/search."""

    items = fields.List(fields.Nested(SearchItemSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    facets = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.Nested(FacetValueSchema)),
        metadata={"description": "Per facet (type, country, domain, list, year, lang)"},
    )
    suggestion = fields.String(allow_none=True, metadata={"description": "Did you mean …?"})
    suggested_filters = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={
            "description": "Filters the query names and that would narrow the results "
            '(type, country, year: "festivals of Uzbekistan" → type festivals, country UZ)'
        },
    )
