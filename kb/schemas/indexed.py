"""What of each record type the search index holds: one filler per type.

`kb.search.documents.document` builds a record's search document (see there for its
shape) from what every record has (names, summary) and then calls the filler its
record type names (`kb.kinds.Kind.search.fill`), which adds the type's own places,
facets and body texts. Fillers read only models, never private fields (an event's
joining links), and only published related records; they sit here, below
`kb.kinds`, so that the kind can name them.
"""

from __future__ import annotations

from collections import defaultdict


class Body:
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


def _countries(doc: dict, countries) -> None:
    doc["places"] += _names(countries)
    doc["facets"]["country"] += [c.code for c in countries]


def country(record, doc: dict, body: Body) -> None:
    doc["facets"]["country"].append(record.code)
    doc["alt"].append(record.code)


def organization(record, doc: dict, body: Body) -> None:
    if record.acronym:
        doc["alt"].append(record.acronym)
    doc["towns"] += list((record.city or {}).values())
    if record.country:
        _countries(doc, [record.country])
    body.add(record.description)
    body.add_plain(record.address)


def element(record, doc: dict, body: Body) -> None:
    facets = doc["facets"]
    _countries(doc, record.countries)
    facets["domain"] += record.domains
    facets["list"] += [record.unesco_list] if record.unesco_list else []
    facets["year"] += [record.inscription_year] if record.inscription_year else []
    for value in (record.communities, record.description, record.safeguarding):
        body.add(value)


def festival(record, doc: dict, body: Body) -> None:
    facets = doc["facets"]
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


def case_study(record, doc: dict, body: Body) -> None:
    facets = doc["facets"]
    _countries(doc, record.countries)
    facets["year"] += [record.year] if record.year else []
    elements = _published(record.elements)
    facets["domain"] += [d for e in elements for d in e.domains]
    body.add(record.body)
    related = elements + _published(record.festivals) + _published(record.organizations)
    body.add_plain(" · ".join(_names(related)))


def event(record, doc: dict, body: Body) -> None:
    doc["towns"] += list((record.venue or {}).values())
    doc["facets"]["year"].append(record.start_date.year)
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
