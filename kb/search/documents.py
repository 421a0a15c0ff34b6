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

from collections import defaultdict

from kb.kinds import KINDS
from kb.models import CaseStudy, Country, Element, Event, Festival, Organization

#: The collection name of each searchable model.
TYPES = {kind.model: kind.name for kind in KINDS}


def doc_key(collection: str, record_id: int) -> str:
    """The unique key of a record in the index."""
    return f"{collection}:{record_id}"


class _Body:
    """Long texts per language, collected from many fields."""

    def __init__(self):
        self.by_lang: dict[str, list[str]] = defaultdict(list)

    def add(self, value: dict | None) -> None:
        for lang, text in (value or {}).items():
            if text:
                self.by_lang[lang].append(text)

    def add_plain(self, text: str | None) -> None:
        if text:
            self.by_lang["und"].append(text)


def is_public(record) -> bool:
    """Whether the public may see the record (countries always)."""
    return getattr(record, "status", "published") == "published"


def _published(records) -> list:
    return [r for r in records or [] if is_public(r)]


def _names(records) -> list[str]:
    return [t for r in records for t in (r.label or {}).values()]


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


def _countries(doc: dict, countries) -> None:
    doc["places"] += _names(countries)
    doc["facets"]["country"] += [c.code for c in countries]


def document(record) -> dict | None:
    """The search document of `record`, or None when it must not be searchable."""
    collection = TYPES.get(type(record))
    if collection is None or not is_public(record):
        return None
    doc, body = _base(record, collection), _Body()
    facets = doc["facets"]
    if isinstance(record, Country):
        facets["country"].append(record.code)
        doc["alt"].append(record.code)
    elif isinstance(record, Organization):
        if record.acronym:
            doc["alt"].append(record.acronym)
        doc["towns"] += list((record.city or {}).values())
        if record.country:
            _countries(doc, [record.country])
        body.add(record.description)
        body.add_plain(record.address)
    elif isinstance(record, Element):
        _countries(doc, record.countries)
        facets["domain"] += record.domains
        facets["list"] += [record.unesco_list] if record.unesco_list else []
        facets["year"] += [record.inscription_year] if record.inscription_year else []
        for value in (record.communities, record.description, record.safeguarding):
            body.add(value)
    elif isinstance(record, Festival):
        _countries(doc, record.countries)
        doc["towns"] += list((record.city or {}).values()) + list((record.place or {}).values())
        for edition in record.editions:
            doc["towns"] += list((edition.city or {}).values())
            facets["year"].append(edition.year)
            body.add(edition.note)
        elements = _published(record.elements)
        facets["domain"] += [d for e in elements for d in e.domains]
        for value in (record.description, record.sustainable_development, record.organizer_note):
            body.add(value)
        body.add_plain(" · ".join(_names(elements) + _names(_published(record.organizers))))
    elif isinstance(record, CaseStudy):
        _countries(doc, record.countries)
        facets["year"] += [record.year] if record.year else []
        elements = _published(record.elements)
        facets["domain"] += [d for e in elements for d in e.domains]
        body.add(record.body)
        related = elements + _published(record.festivals) + _published(record.organizations)
        body.add_plain(" · ".join(_names(related)))
    elif isinstance(record, Event):
        doc["towns"] += list((record.venue or {}).values())
        facets["year"].append(record.start_date.year)
        body.add(record.theme)
        for topic in record.topics or []:
            body.add(topic)
        body.add(record.description)
        for session in record.sessions:
            body.add(session.title)
            body.add(session.description)
            for speaker in session.speakers:
                for form in (speaker.name or {}).values():  # names say nothing of language
                    body.add_plain(form)
                body.add(speaker.affiliation)
        orgs = _published(link.organization for link in record.organization_links)
        body.add_plain(" · ".join(_names(orgs)))
    doc["places"] += doc["towns"]
    facets["lang"] = _langs(doc["name"], doc["summary"], *(dict.fromkeys(body.by_lang, 1),))
    facets["lang"] = [code for code in facets["lang"] if code != "und"]
    doc["body"] = dict(body.by_lang)
    return doc
