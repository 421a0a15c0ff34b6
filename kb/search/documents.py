"""Search documents: what of each public record is indexed, in one plain shape.

A document is a dict: `key`, `type` (the collection name), `slug`, `name` (per
language), `alt` (alternate names, acronyms), `places` (cities and countries in every
language), `towns` (the cities and sites among them, whose names are also indexed by
sound, like the record's: kb.search.romanise), `summary` (per language), `body` (per
language: a list of texts) and `facets` (country, domain, list, year, lang). Only
published records have one, and private fields (an event's joining links) are never
read.
"""

from __future__ import annotations

from kb.kinds import BY_MODEL, KINDS
from kb.schemas.indexed import Body, is_public

#: The collection name of each searchable model.
TYPES = {kind.model: kind.name for kind in KINDS}


def doc_key(collection: str, record_id: int) -> str:
    """The unique key of a record in the index."""
    return f"{collection}:{record_id}"


def _langs(*values) -> list[str]:
    return sorted({lang for value in values for lang in (value or {}) if len(lang) <= 3})


def _base(record, collection: str) -> dict:
    alt = [a["text"] for a in getattr(record, "alt_names", None) or [] if a.get("text")]
    return {
        "key": doc_key(collection, record.id),
        "type": collection,
        "slug": record.slug,
        "name": dict(record.label),
        "alt": alt,
        "places": [],
        "towns": [],
        "summary": dict(getattr(record, "summary", None) or {}),
        "facets": {"country": [], "domain": [], "list": [], "year": []},
    }


def document(record) -> dict | None:
    """The search document of `record`, or None when it must not be searchable.

    What every record has is read here; its type's own fields by the filler its kind
    names (`Kind.search.fill`, in `kb.schemas.indexed`).
    """
    kind = BY_MODEL.get(type(record))
    if kind is None or not is_public(record):
        return None
    doc, body = _base(record, kind.name), Body()
    kind.search.fill(record, doc, body)
    facets = doc["facets"]
    doc["places"] += doc["towns"]
    facets["lang"] = _langs(doc["name"], doc["summary"], *(dict.fromkeys(body.by_lang, 1),))
    facets["lang"] = [code for code in facets["lang"] if code != "und"]
    doc["body"] = dict(body.by_lang)
    return doc
