"""Proposed records as JSON payloads: checking them, naming them, and a record as one.

A payload is a record in the API's JSON shape (the shape of `FestivalSchema` or
`OrganizationSchema`), which is also what the forms assemble and the seed files hold.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from marshmallow import ValidationError

from kb.extensions import db
from kb.models import Country, Element, Organization
from kb.schemas import messages
from kb.schemas.records import FestivalSchema, OrganizationSchema
from kb.seed import flatten
from kb.services.common import ServiceError
from kb.services.records import canonical

SCHEMAS = {"festival": FestivalSchema, "organization": OrganizationSchema}


class Invalid(ServiceError):
    """Input refused field by field: `fields` maps dotted paths to translated messages."""

    def __init__(self, fields: dict[str, list[str]]):
        super().__init__(None, messages.summary())
        self.fields = fields

    def as_fields(self) -> dict:
        """The errors as `{"editions.0.end_date": ["…"]}`."""
        return self.fields


def load_payload(record_type: str, payload: dict) -> dict:
    """The payload as the record type's schema loads it; `Invalid` names every bad field."""
    try:
        return SCHEMAS[record_type]().load(payload)
    except ValidationError as exc:
        errors: dict[str, list[str]] = {}
        for path, message in flatten(messages.translate(exc.messages)):
            errors.setdefault(path or "_schema", []).append(message)
        raise Invalid(errors) from exc


def _known(model, column, values: set[str]) -> set[str]:
    query = sa.select(column).where(column.in_(values))
    if hasattr(model, "status"):
        query = query.where(model.status == "published")
    return set(db.session.scalars(query)) if values else set()


def _strings(values, clean) -> list[tuple[int, str]]:
    """(index, cleaned value) of the strings of a list; the schema reports anything else."""
    if not isinstance(values, list):
        return []
    return [(i, clean(v)) for i, v in enumerate(values) if isinstance(v, str) and v.strip()]


def check_references(record_type: str, data: dict) -> None:
    """Every country, element and organisation the data names must exist (and be published).

    Works on loaded data and, to report everything at once, on raw payloads too.
    """
    code, slug = (lambda v: v.strip().upper()), (lambda v: v.strip().lower())
    countries: list[tuple[str, str]] = []
    slugs: list[tuple[str, str, type]] = []
    if record_type == "festival":
        countries += [(f"countries.{i}", c) for i, c in _strings(data.get("countries"), code)]
        editions = data.get("editions") if isinstance(data.get("editions"), list) else []
        for i, edition in enumerate(editions):
            value = edition.get("country") if isinstance(edition, dict) else None
            if isinstance(value, str) and value.strip():
                countries.append((f"editions.{i}.country", code(value)))
        for key, model in (("elements", Element), ("organizers", Organization)):
            slugs += [(f"{key}.{i}", s, model) for i, s in _strings(data.get(key), slug)]
    elif isinstance(data.get("country"), str) and data["country"].strip():
        countries.append(("country", code(data["country"])))
    errors: dict[str, list[str]] = {}
    known_codes = _known(Country, Country.code, {c for _, c in countries})
    for path, value in countries:
        if value not in known_codes:
            errors[path] = [_("No country has the code %(code)s.", code=value)]
    for model in (Element, Organization):
        found = _known(model, model.slug, {s for _, s, m in slugs if m is model})
        for path, value, m in slugs:
            if m is model and value not in found:
                errors[path] = [
                    _("Nothing in the knowledge base has the slug “%(slug)s”.", slug=value)
                ]
    if errors:
        raise Invalid(errors)


def check_payload(record_type: str, payload: dict) -> dict:
    """The payload loaded and its references checked; `Invalid` names every problem at once."""
    errors: dict[str, list[str]] = {}
    try:
        data = load_payload(record_type, payload)
    except Invalid as exc:
        data, errors = payload, dict(exc.fields)
    try:
        check_references(record_type, data)
    except Invalid as exc:
        for path, messages in exc.fields.items():
            errors.setdefault(path, messages)
    if errors:
        raise Invalid(errors)
    return data


def jsonable(value):
    """Loaded data as plain JSON values (dates as ISO strings)."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def payload_of(record_type: str, record) -> dict:
    """A published record as a payload: what a change proposal starts from."""
    return jsonable(canonical(SCHEMAS[record_type](), record))


#: Cyrillic letters (Russian, Kazakh, Kyrgyz, Uzbek, Tajik…) in Latin; signs vanish.
_CYRILLIC_LATIN = (
    "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya i i e u q "
    "g n u u h o a"
)
CYRILLIC = {
    ch: ("" if latin == "-" else latin)
    for ch, latin in zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєўқғңүұһөә", _CYRILLIC_LATIN.split(" "), strict=True
    )
}


def _latin(text: str) -> str:
    text = "".join(CYRILLIC.get(ch, ch) for ch in text.lower())
    text = unicodedata.normalize("NFKD", text)
    return text.encode("ascii", "ignore").decode()


def slugify(name: dict | None, fallback: str) -> str:
    """A slug from a name in Latin or Cyrillic script; `fallback-xxxxxx` from any other."""
    texts = dict(name or {}) if isinstance(name, dict) else {}
    for code in ["en", *sorted(texts)]:
        text = texts.get(code)
        if isinstance(text, str):
            slug = re.sub(r"[^a-z0-9]+", "-", _latin(text)).strip("-")[:100].strip("-")
            if len(slug) >= 3:
                return slug
    return f"{fallback}-{secrets.token_hex(3)}"
