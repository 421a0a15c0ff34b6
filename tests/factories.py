"""Factories: records made through the same services as the API and the seed loader."""

from __future__ import annotations

import itertools

from kb.extensions import db
from kb.schemas.records import (
    CaseStudySchema,
    CountrySchema,
    ElementSchema,
    EventSchema,
    FestivalSchema,
    OrganizationSchema,
)
from kb.services.directory import save_country, save_organization
from kb.services.events import save_event
from kb.services.heritage import save_case_study, save_element, save_festival
from kb.services.records import Actor

TEST = Actor("test")
_n = itertools.count(1)


def _make(schema, save, data: dict, commit: bool):
    record, _ = save(schema().load(data), TEST)
    if commit:
        db.session.commit()
    return record


def create_country(code: str = "UZ", commit: bool = True, **kw):
    """A country (Uzbekistan unless told otherwise)."""
    names = {
        "UZ": ("Uzbekistan", "Узбекистан", "우즈베키스탄"),
        "KR": ("Republic of Korea", "Республика Корея", "대한민국"),
    }
    en, ru, ko = names.get(code, (f"Country {code}", f"Страна {code}", f"나라 {code}"))
    data = {"code": code, "name": {"en": en, "ru": ru, "ko": ko}, "region": "central-asia", **kw}
    return _make(CountrySchema, save_country, data, commit)


def create_organization(commit: bool = True, **kw):
    """An organisation."""
    n = next(_n)
    data = {"slug": f"org-{n}", "name": {"en": f"Organization {n}"}, "kind": "ngo", **kw}
    return _make(OrganizationSchema, save_organization, data, commit)


def create_element(commit: bool = True, **kw):
    """An ICH element."""
    n = next(_n)
    data = {"slug": f"element-{n}", "name": {"en": f"Element {n}"}, **kw}
    return _make(ElementSchema, save_element, data, commit)


def create_festival(commit: bool = True, **kw):
    """A festival."""
    n = next(_n)
    data = {"slug": f"festival-{n}", "name": {"en": f"Festival {n}"}, **kw}
    return _make(FestivalSchema, save_festival, data, commit)


def create_case_study(commit: bool = True, **kw):
    """A case study."""
    n = next(_n)
    data = {"slug": f"case-{n}", "title": {"en": f"Case study {n}"}, **kw}
    return _make(CaseStudySchema, save_case_study, data, commit)


def create_event(commit: bool = True, **kw):
    """An event (a webinar in Seoul's zone unless told otherwise)."""
    n = next(_n)
    data = {
        "slug": f"event-{n}",
        "kind": "webinar",
        "title": {"en": f"Event {n}"},
        "timezone": "Asia/Seoul",
        "starts_at": "2030-11-18T13:00:00+09:00",
        "ends_at": "2030-11-18T17:30:00+09:00",
        **kw,
    }
    return _make(EventSchema, save_event, data, commit)
