"""Records as simple Dublin Core (oai_dc), for heritage aggregators harvesting by OAI-PMH.

Each builder gives a list of `(element, value, lang)`: `element` one of the fifteen
DCMES elements, `lang` the language of a text (every language it exists in, tagged) or
None for values that have none (addresses, codes, dates).
"""

from __future__ import annotations

from kb import labels
from kb.i18n import LANGUAGES, in_language
from kb.urls import absolute_url

PUBLISHER = "Silk Roads ICH Network"


def _texts(element: str, value: dict | None) -> list[tuple]:
    value = value or {}
    order = [c for c in LANGUAGES if value.get(c)] + sorted(
        c for c in value if c not in LANGUAGES and value.get(c)
    )
    return [(element, value[c], c) for c in order]


def _label(group: str, code: str) -> dict:
    out = {}
    for lang in LANGUAGES:
        with in_language(lang):
            out[lang] = labels.label(group, code)
    return out


def _page(collection: str, slug: str) -> str:
    return absolute_url("pages.record", lang="en", collection=collection, slug=slug)


def _published(records) -> list:
    return [r for r in records or [] if getattr(r, "is_published", True)]


def _common(record, collection: str, dcmi: str | None) -> list[tuple]:
    out = _texts("title", record.label)
    out += [
        ("title", alt["text"], alt.get("lang"))
        for alt in getattr(record, "alt_names", None) or []
        if alt.get("text")
    ]
    if dcmi:
        out.append(("type", dcmi, None))
    out.append(("identifier", _page(collection, record.slug), None))
    out.append(("publisher", PUBLISHER, "en"))
    return out


def _countries(countries) -> list[tuple]:
    out = []
    for country in countries or []:
        out += _texts("coverage", country.name)
        out.append(("coverage", country.code, None))
    return out


def _languages(*values) -> list[tuple]:
    present = {c for v in values for c, t in (v or {}).items() if t}
    ordered = [c for c in LANGUAGES if c in present] + sorted(present - set(LANGUAGES))
    return [("language", code, None) for code in ordered]


def _relations(collection: str, records) -> list[tuple]:
    return [("relation", _page(collection, r.slug), None) for r in _published(records)]


def _sources(record) -> list[tuple]:
    return [("source", url, None) for url in getattr(record, "sources", None) or []]


def organization(org) -> list[tuple]:
    out = _common(org, "organizations", None)
    if org.acronym:
        out.append(("title", org.acronym, None))
    out += _texts("description", org.summary)
    out += _texts("type", _label("organization_kind", org.kind))
    out += _countries([org.country] if org.country else [])
    out += _texts("coverage", org.city)
    if org.founding_year:
        out.append(("date", str(org.founding_year), None))
    if org.website:
        out.append(("relation", org.website, None))
    return out + _languages(org.name, org.summary, org.description) + _sources(org)


def element(item) -> list[tuple]:
    out = _common(item, "elements", None)
    out += _texts("description", item.summary)
    out += _texts("subject", {"en": "Intangible cultural heritage"})
    for domain in item.domains:
        out += _texts("subject", _label("domain", domain))
    out += _countries(item.countries)
    out += _texts("contributor", item.communities)
    if item.inscription_year:
        out.append(("date", str(item.inscription_year), None))
    return out + _languages(item.name, item.summary, item.description) + _sources(item)


def festival(item) -> list[tuple]:
    out = _common(item, "festivals", "Event")
    out += _texts("description", item.summary)
    out += _countries(item.countries)
    out += _texts("coverage", item.city)
    out += [("date", e.start_date.isoformat(), None) for e in item.editions if e.start_date]
    out += [
        ("creator", t, lang)
        for o in _published(item.organizers)
        for _e, t, lang in _texts("x", o.name)
    ]
    out += _relations("elements", item.elements)
    if item.website:
        out.append(("relation", item.website, None))
    return out + _languages(item.name, item.summary, item.description) + _sources(item)


def case_study(item) -> list[tuple]:
    out = _common(item, "case-studies", "Text")
    out += _texts("description", item.summary)
    out += _countries(item.countries)
    if item.year:
        out.append(("date", str(item.year), None))
    out += _relations("elements", item.elements)
    out += _relations("festivals", item.festivals)
    out += _relations("organizations", item.organizations)
    return out + _languages(item.title, item.summary, item.body) + _sources(item)


def event(item) -> list[tuple]:
    out = _common(item, "events", "Event")
    out += _texts("description", item.summary)
    out += _texts("type", _label("event_kind", item.kind))
    for topic in item.topics or []:
        out += _texts("subject", topic)
    out += _countries([item.country] if item.country else [])
    out.append(("date", item.start_date.isoformat(), None))
    out += [
        ("creator", t, lang)
        for link in item.organization_links
        if link.organization.is_published and link.role in ("organizer", "co-organizer", "host")
        for _e, t, lang in _texts("x", link.organization.name)
    ]
    out += [("language", code, None) for code in item.languages or []]
    return out + _sources(item)


def country(item) -> list[tuple]:
    out = _common(item, "countries", None)
    out.append(("coverage", item.code, None))
    if item.region:
        out += _texts("coverage", _label("region", item.region))
    return out
