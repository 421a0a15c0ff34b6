"""The index's schema: one weighted text field, a spelling vocabulary and facet fields.

Names, summaries and bodies go into the one `text` field with different per-token
weights (see `BOOSTS`): a query term then has one posting list instead of one per
field, which halves query and indexing time against a field per part, while a word in
a record's name still outweighs the same word in its body.
"""

from __future__ import annotations

from whoosh import fields

from kb.search.analysis import ScriptTokenizer, Sections, spell_words

#: Weight of a word by where it stands in the record.
BOOSTS = {"name": 6.0, "alt": 4.0, "place": 2.0, "summary": 2.0, "body": 1.0}
#: The facet fields, by the query argument that filters on each.
FACETS = ("type", "country", "domain", "list", "year", "lang")
#: Stored text per language is cut to this length (enough for a snippet).
STORED_CHARS = 1500


def make_schema(analyzer: ScriptTokenizer | None = None) -> fields.Schema:
    """A new Schema object (Whoosh schemas are mutable; never share one)."""
    return fields.Schema(
        key=fields.ID(stored=True, unique=True),
        text=fields.TEXT(analyzer=analyzer or ScriptTokenizer(), phrase=True),
        spell=fields.KEYWORD(lowercase=False, scorable=False),
        type=fields.ID(stored=True),
        country=fields.KEYWORD(),
        domain=fields.KEYWORD(),
        list=fields.KEYWORD(),
        year=fields.KEYWORD(),
        lang=fields.KEYWORD(),
        data=fields.STORED(),
    )


def _texts(value) -> list[str]:
    if not value:
        return []
    if isinstance(value, dict):
        return [v for v in value.values() if v]
    return [v for v in value if v]


def index_fields(doc: dict) -> dict:
    """Whoosh field values for a search document (see `kb.search.documents`)."""
    sections = [
        (BOOSTS["name"], " \n ".join(_texts(doc["name"]))),
        (BOOSTS["alt"], " \n ".join(_texts(doc.get("alt")))),
        (BOOSTS["place"], " \n ".join(_texts(doc.get("places")))),
        (BOOSTS["summary"], " \n ".join(_texts(doc.get("summary")))),
        (
            BOOSTS["body"],
            " \n ".join(t for texts in (doc.get("body") or {}).values() for t in texts),
        ),
    ]
    spell_source = " ".join(text for _, text in sections[:4])
    facets = doc.get("facets", {})
    values = {
        "key": doc["key"],
        "text": Sections([(boost, text) for boost, text in sections if text]),
        "spell": " ".join(set(spell_words(spell_source))),
        "type": doc["type"],
        "data": {
            "slug": doc["slug"],
            "name": doc["name"],
            "summary": {k: v[:STORED_CHARS] for k, v in (doc.get("summary") or {}).items()},
            "body": {
                k: "\n\n".join(v)[:STORED_CHARS] for k, v in (doc.get("body") or {}).items() if v
            },
        },
    }
    for name in FACETS[1:]:
        terms = [str(v) for v in facets.get(name) or [] if v not in (None, "")]
        if terms:
            values[name] = " ".join(dict.fromkeys(terms))
    return values
