"""The index's schema: one weighted text field, names' sound keys, a spelling
vocabulary and facet fields.

Names, summaries and bodies go into the one `text` field with different per-token
weights (see `BOOSTS`): a query term then has one posting list instead of one per
field, which halves query and indexing time against a field per part, while a word in
a record's name still outweighs the same word in its body.
"""

from __future__ import annotations

import struct
from pickle import dumps

from whoosh import fields, formats

from kb.search.analysis import ScriptTokenizer, Sections, spell_words
from kb.search.romanise import name_terms, place_terms

#: Weight of a word by where it stands in the record.
BOOSTS = {"name": 6.0, "alt": 4.0, "place": 2.0, "summary": 2.0, "body": 1.0}
#: The facet fields, by the query argument that filters on each.
FACETS = ("type", "country", "domain", "list", "year", "lang")
#: Stored text per language is cut to this length (enough for a snippet).
STORED_CHARS = 1500
_COUNT = struct.Struct("!I")  # whoosh.system.pack_uint


class WeightedText(fields.TEXT):
    """A TEXT field indexed through `ScriptTokenizer.postings`: the same postings as
    Whoosh's Positions format makes from the analyser's tokens, at a third of the cost.
    Pickled into the index's schema: this class must keep its import path."""

    def direct(self) -> bool:
        """Whether `ScriptTokenizer.postings` can stand for the analyser's tokens."""
        return isinstance(self.analyzer, ScriptTokenizer) and type(self.format) is formats.Positions

    def index(self, value, **kwargs):
        if not self.direct():
            yield from super().index(value, **kwargs)
            return
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not unicode")
        boost = self.format.field_boost
        positions, weights = self.analyzer.postings(value)
        for term, poses in positions.items():
            encoded = encode_positions(poses)
            yield term.encode("utf-8"), len(poses), weights[term] * boost, encoded


def encode_positions(poses: list[int]) -> bytes:
    """Positions as Whoosh's Positions format encodes them: a count, pickled deltas."""
    if len(poses) == 1:  # most terms of a document: one position, encoded once
        encoded = _SINGLE.get(poses[0])
        if encoded is None:
            encoded = _SINGLE[poses[0]] = _encode(poses)
        return encoded
    return _encode(poses)


def _encode(poses: list[int]) -> bytes:
    deltas = [poses[0], *(b - a for a, b in zip(poses, poses[1:], strict=False))]
    return _COUNT.pack(len(deltas)) + dumps(deltas, 2)


#: A lone position's encoding, by position.
_SINGLE: dict[int, bytes] = {}


def make_schema(analyzer: ScriptTokenizer | None = None) -> fields.Schema:
    """A new Schema object (Whoosh schemas are mutable; never share one)."""
    return fields.Schema(
        key=fields.ID(stored=True, unique=True),
        text=WeightedText(analyzer=analyzer or ScriptTokenizer(), phrase=True),
        # Every name and alternate name as sound keys and jamo, and the words of its
        # cities and sites (kb.search.romanise).
        names=fields.KEYWORD(lowercase=False, scorable=True),
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
        "names": " ".join(
            name_terms([*_texts(doc["name"]), *_texts(doc.get("alt"))])
            + place_terms(_texts(doc.get("towns")))
        ),
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
