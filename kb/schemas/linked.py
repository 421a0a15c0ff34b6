"""Records as schema.org linked data (JSON-LD), for search engines and aggregators.

Each builder takes a public record and gives one JSON-LD object. Names and texts are
given in every language they exist in, as language-tagged values. Addresses are absolute
(from the `BASE_URL` setting); an event's joining links never appear (only its page).
"""

from __future__ import annotations

from datetime import date, datetime

from kb import labels
from kb.i18n import DEFAULT_LANGUAGE, LANGUAGES, current_language, in_language
from kb.urls import absolute_url

CONTEXT = "https://schema.org"


def texts(value: dict | None) -> list[dict]:
    """Every language of a text as JSON-LD value objects, working languages first."""
    value = value or {}
    order = [code for code in LANGUAGES if value.get(code)]
    order += sorted(code for code in value if code not in LANGUAGES and value.get(code))
    return [{"@value": value[code], "@language": code} for code in order]


def languages(*values: dict | None) -> list[str]:
    """The languages the given texts exist in, working languages first."""
    present = {code for value in values for code, text in (value or {}).items() if text}
    return [c for c in LANGUAGES if c in present] + sorted(present - set(LANGUAGES))


def page(collection: str, slug: str, lang: str | None = None) -> str:
    return absolute_url(
        "pages.record", lang=lang or DEFAULT_LANGUAGE, collection=collection, slug=slug
    )


def node_id(collection: str, slug: str) -> str:
    """A record's identifier: its English page (the same from every language version)."""
    return page(collection, slug) + "#record"


def _when(moment: datetime | date | None) -> str | None:
    return moment.isoformat() if moment else None


def _clean(data: dict) -> dict:
    """`data` without empty values (JSON-LD has no use for nulls or empty lists)."""
    return {k: v for k, v in data.items() if v not in (None, [], {}, "")}


def _base(schema_type, collection: str, record, lang: str | None) -> dict:
    lang = lang or current_language()
    return {
        "@type": schema_type,
        "@id": node_id(collection, record.slug),
        "url": page(collection, record.slug, lang),
        "name": texts(record.label),
    }


def _ref(schema_type: str, collection: str, record) -> dict:
    return {
        "@type": schema_type,
        "@id": node_id(collection, record.slug),
        "name": texts(record.label),
    }


def _country(country) -> dict:
    return _clean(
        {
            "@type": "Country",
            "@id": node_id("countries", country.slug),
            "name": texts(country.name),
            "identifier": country.code,
        }
    )


def _alt_names(record) -> list:
    out = []
    for alt in getattr(record, "alt_names", None) or []:
        if alt.get("text"):
            lang = alt.get("lang")
            out.append({"@value": alt["text"], "@language": lang} if lang else alt["text"])
    return out


def _geo(record) -> dict | None:
    if getattr(record, "latitude", None) is None or getattr(record, "longitude", None) is None:
        return None
    return {"@type": "GeoCoordinates", "latitude": record.latitude, "longitude": record.longitude}


def _published(records) -> list:
    return [r for r in records or [] if getattr(r, "is_published", True)]


def organization(org, lang: str | None = None) -> dict:
    alt = _alt_names(org)
    if org.acronym:
        alt.append(org.acronym)
    address = _clean(
        {
            "@type": "PostalAddress",
            "addressLocality": texts(org.city),
            "addressCountry": org.country.code if org.country else None,
        }
    )
    return _clean(
        {
            **_base("Organization", "organizations", org, lang),
            "alternateName": alt,
            "description": texts(org.summary),
            "address": address if len(address) > 1 else None,
            "location": _clean({"@type": "Place", "geo": _geo(org)}) if _geo(org) else None,
            "foundingDate": str(org.founding_year) if org.founding_year else None,
            "sameAs": [org.website] if org.website else [],
        }
    )


def _place(name: dict | None, city: dict | None, country, record=None) -> dict:
    address = _clean(
        {
            "@type": "PostalAddress",
            "addressLocality": texts(city),
            "addressCountry": country.code if country else None,
        }
    )
    return _clean(
        {
            "@type": "Place",
            "name": texts(name) or texts(city),
            "address": address if len(address) > 1 else None,
            "geo": _geo(record) if record is not None else None,
        }
    )


def _attendance(online: bool | None, has_venue: bool) -> str | None:
    """Online, in person or both; None when the record does not say (no guess)."""
    if online and has_venue:
        return "https://schema.org/MixedEventAttendanceMode"
    if online:
        return "https://schema.org/OnlineEventAttendanceMode"
    if online is False or has_venue:
        return "https://schema.org/OfflineEventAttendanceMode"
    return None


def event(item, lang: str | None = None) -> dict:
    """An event, its sessions as sub-events; online events point at their page, not the link."""
    url = page("events", item.slug, lang or current_language())
    venue = _place(item.venue, None, item.country, item) if (item.venue or item.country) else None
    locations = []
    if item.online:
        locations.append({"@type": "VirtualLocation", "url": url})
    if venue and (item.venue or not item.online):
        locations.append(venue)
    organizers = [
        _ref("Organization", "organizations", link.organization)
        for link in item.organization_links
        if link.organization.is_published and link.role in ("organizer", "co-organizer", "host")
    ]
    sponsors = [
        _ref("Organization", "organizations", link.organization)
        for link in item.organization_links
        if link.organization.is_published and link.role == "supporter"
    ]
    sessions = []
    for position, session in enumerate(item.sessions, start=1):
        start = session.starts_at or session.day
        sessions.append(
            _clean(
                {
                    "@type": "Event",
                    "@id": f"{node_id('events', item.slug)}-session-{position}",
                    "name": texts(session.title),
                    "description": texts(session.description),
                    "startDate": _when(start),
                    "endDate": _when(session.ends_at),
                    "inLanguage": list(session.languages or []) or list(item.languages or []),
                    "eventAttendanceMode": _attendance(item.online, bool(item.venue)),
                    "location": locations[0] if len(locations) == 1 else locations,
                    "performer": [
                        _clean(
                            {
                                "@type": "Person",
                                "name": texts(speaker.name),
                                "affiliation": _clean(
                                    {
                                        "@type": "Organization",
                                        "name": texts(
                                            speaker.organization.name
                                            if speaker.organization
                                            else speaker.affiliation
                                        ),
                                    }
                                )
                                if speaker.affiliation or speaker.organization
                                else None,
                            }
                        )
                        for speaker in session.speakers
                    ],
                }
            )
        )
    return _clean(
        {
            **_base("Event", "events", item, lang),
            "url": url,
            "description": texts(item.summary) or texts(item.description),
            "startDate": _when(item.starts_at or item.start_date),
            "endDate": _when(item.ends_at or item.end_date),
            "eventStatus": "https://schema.org/EventScheduled",
            "eventAttendanceMode": _attendance(item.online, bool(item.venue)),
            "inLanguage": list(item.languages or []),
            "location": locations[0] if len(locations) == 1 else locations,
            "organizer": organizers,
            "sponsor": sponsors,
            "keywords": [value for topic in item.topics or [] for value in texts(topic)],
            "subEvent": sessions,
        }
    )


def festival(item, lang: str | None = None) -> dict:
    """A festival: an event series, its editions as sub-events."""
    location = _place(item.place, item.city, item.countries[0] if item.countries else None, item)
    editions = []
    for edition in item.editions:
        if edition.start_date is None:
            continue
        editions.append(
            _clean(
                {
                    "@type": "Festival",
                    "@id": f"{node_id('festivals', item.slug)}-{edition.year}",
                    "name": [
                        {"@value": f"{t['@value']} {edition.year}", "@language": t["@language"]}
                        for t in texts(item.name)
                    ],
                    "startDate": _when(edition.start_date),
                    "endDate": _when(edition.end_date),
                    "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
                    "eventStatus": "https://schema.org/EventScheduled",
                    "location": _place(None, edition.city or item.city, edition.country)
                    if (edition.city or edition.country)
                    else location,
                    "description": texts(edition.note),
                }
            )
        )
    return _clean(
        {
            **_base(["Festival", "EventSeries"], "festivals", item, lang),
            "alternateName": _alt_names(item),
            "description": texts(item.summary),
            "location": location if len(location) > 1 else None,
            "organizer": [
                _ref("Organization", "organizations", o) for o in _published(item.organizers)
            ],
            "about": [_ref("CreativeWork", "elements", e) for e in _published(item.elements)],
            "eventSchedule": _clean(
                {
                    "@type": "Schedule",
                    "repeatFrequency": {"annual": "P1Y", "biennial": "P2Y"}.get(
                        item.periodicity or ""
                    ),
                }
            )
            if item.periodicity in ("annual", "biennial")
            else None,
            "sameAs": [item.website] if item.website else [],
            "subEvent": editions,
        }
    )


def _domain(code: str) -> dict:
    """One of the 2003 Convention's domains, named in every working language."""
    names = {}
    for lang in LANGUAGES:
        with in_language(lang):
            names[lang] = labels.label("domain", code)
    return {"@type": "DefinedTerm", "termCode": code, "name": texts(names)}


def element(item, lang: str | None = None) -> dict:
    """An ICH element as a creative work: what it is about, where it lives."""
    return _clean(
        {
            **_base("CreativeWork", "elements", item, lang),
            "alternateName": _alt_names(item),
            "description": texts(item.summary) or texts(item.description),
            "about": [_domain(code) for code in item.domains],
            "spatialCoverage": [_country(c) for c in item.countries],
            "inLanguage": languages(item.name, item.summary, item.description),
            "dateCreated": str(item.inscription_year) if item.inscription_year else None,
            "dateModified": _when(item.updated_at),
        }
    )


def case_study(item, lang: str | None = None) -> dict:
    """A case study as an article about the elements, festivals and organisations it studies."""
    about = [_ref("CreativeWork", "elements", e) for e in _published(item.elements)]
    about += [_ref("Festival", "festivals", f) for f in _published(item.festivals)]
    about += [_ref("Organization", "organizations", o) for o in _published(item.organizations)]
    return _clean(
        {
            **_base("Article", "case-studies", item, lang),
            "headline": texts(item.title),
            "description": texts(item.summary),
            "about": about,
            "spatialCoverage": [_country(c) for c in item.countries],
            "inLanguage": languages(item.title, item.summary, item.body),
            "temporalCoverage": str(item.year) if item.year else None,
            "dateModified": _when(item.updated_at),
        }
    )


def country(item, lang: str | None = None) -> dict:
    return _clean(
        {
            **_base("Country", "countries", item, lang),
            "identifier": item.code,
        }
    )


def document(builder, record, lang: str | None = None) -> dict:
    """A whole JSON-LD document of one record (with its `@context`)."""
    return {"@context": CONTEXT, **builder(record, lang)}
