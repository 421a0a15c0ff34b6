"""Proposed records as JSON payloads: checking them, naming them, and a record as one.

A payload is a record in the API's JSON shape (the shape of the record type's schema in
`kb.schemas.records`), which is also what the forms assemble and the seed files hold.
A proposed change to an event holds only its facts (`Kind.facts`): its programme, times
and registration stay with the event's managers. What a payload may name and set, per
record type, is its kind's (`kb.kinds`): nothing here is keyed by type.
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
from kb.kinds import BY_SINGULAR, KINDS
from kb.models import Country
from kb.schemas import messages
from kb.schemas.messages import flatten
from kb.services.common import ServiceError
from kb.services.records import _same, canonical

#: The shape of a proposal, by record type: the API's (see kb.kinds).
SCHEMAS = {kind.singular: kind.schema for kind in KINDS if kind.proposals}


def _facts(record_type: str) -> tuple[str, ...] | None:
    """The keys a change proposal may touch (`Kind.facts`), or None for all."""
    return BY_SINGULAR[record_type].facts


def _coordinated(record_type: str) -> tuple[str, ...]:
    """The keys only coordinators set (`Kind.coordinated`)."""
    return BY_SINGULAR[record_type].coordinated


class Invalid(ServiceError):
    """Input refused field by field: `fields` maps dotted paths to translated messages."""

    def __init__(self, fields: dict[str, list[str]]):
        super().__init__(None, messages.summary())
        self.fields = fields

    def as_fields(self) -> dict:
        """The errors as `{"editions.0.end_date": ["…"]}`."""
        return self.fields


def _only_facts(record_type: str, payload: dict) -> None:
    """Refuse, key by key, what a change proposal may not touch (an event's programme)."""
    allowed = _facts(record_type)
    if allowed is None:
        return
    extra = sorted(k for k in payload if k not in (*allowed, "slug"))
    if extra:
        message = _("Only the event's organizers can change this; propose a correction to them.")
        raise Invalid({key: [message] for key in extra})


def _coordinated_message() -> str:
    return _("Only the network's coordinators decide an organisation's role in the network.")


def _without_coordinated(record_type: str, record, payload: dict) -> dict:
    """A change proposal without the coordinators' keys it leaves as they are; a key it
    would change is refused by name."""
    keys = [k for k in _coordinated(record_type) if k in payload]
    changed = [k for k in keys if payload[k] != getattr(record, k)]
    if changed:
        raise Invalid({k: [_coordinated_message()] for k in changed})
    return {k: v for k, v in payload.items() if k not in keys}


def load_payload(record_type: str, payload: dict) -> dict:
    """The payload as the record type's schema loads it; `Invalid` names every bad field."""
    coordinated = [k for k in _coordinated(record_type) if payload.get(k) is not None]
    if coordinated:  # a new record's proposal: it is no member until coordinators say so
        raise Invalid({k: [_coordinated_message()] for k in coordinated})
    _only_facts(record_type, payload)
    try:
        if _facts(record_type) is not None:  # the facts only: merged with the record on approval
            return SCHEMAS[record_type]().load(payload, partial=True)
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


def _named(data: dict, key: str) -> list[tuple[str, str]]:
    """(path, text) of each value a payload gives under `key`: a text, a list of texts, or
    ("editions.country") the key of each object of a list; the schema reports the rest."""
    head, _sep, rest = key.partition(".")
    value = data.get(head) if isinstance(data, dict) else None
    if rest:
        items = value if isinstance(value, list) else []
        return [
            (f"{head}.{i}.{path}", text)
            for i, item in enumerate(items)
            for path, text in _named(item, rest)
        ]
    if isinstance(value, list):
        return [(f"{head}.{i}", v) for i, v in enumerate(value) if isinstance(v, str) and v.strip()]
    return [(head, value)] if isinstance(value, str) and value.strip() else []


def check_references(record_type: str, data: dict) -> None:
    """Every record the data names (`Kind.references`) must exist (and be published).

    Works on loaded data and, to report everything at once, on raw payloads too.
    """
    named: list[tuple[str, str, type]] = []
    for key, model in BY_SINGULAR[record_type].references:
        clean = str.upper if model is Country else str.lower
        named += [(path, clean(text.strip()), model) for path, text in _named(data, key)]
    errors: dict[str, list[str]] = {}
    for model in dict.fromkeys(m for _p, _v, m in named):
        column = model.code if model is Country else model.slug
        found = _known(model, column, {v for _p, v, m in named if m is model})
        for path, value, m in named:
            if m is not model or value in found:
                continue
            if model is Country:
                errors[path] = [_("No country has the code %(code)s.", code=value)]
            else:
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
    """A published record as a payload: what a change proposal starts from.

    Only what the public may read: private values (an event's joining links) never
    enter a payload, which its submitter reads back.
    """
    schema = SCHEMAS[record_type]()
    data = jsonable(schema.dump(record))
    loadable = {name for name, f in schema.fields.items() if not f.dump_only and not f.load_only}
    allowed = _facts(record_type)
    payload = {k: v for k, v in data.items() if k in loadable and (allowed is None or k in allowed)}
    payload["slug"] = record.slug
    return jsonable(canonical_payload(record_type, payload))


def canonical_payload(record_type: str, payload: dict) -> dict:
    """A dumped record's values in the shape a payload holds (links by slug or code)."""
    schema = SCHEMAS[record_type]()
    keys = {(f.attribute or name): name for name, f in schema.fields.items()}
    try:
        loaded = schema.load(payload, partial=True)
    except ValidationError as exc:
        # A stored value today's rules refuse (an old release's, a hand edit's) is kept
        # as it was, so the form shows it and the check names it when the proposal is
        # sent, instead of the page failing.
        valid = {keys.get(k, k): v for k, v in exc.valid_data.items()}
        return {**payload, **{k: v for k, v in valid.items() if k not in exc.messages}}
    return {keys.get(k, k): v for k, v in loaded.items()}


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


def facts_only(record_type: str, record, payload: dict) -> dict:
    """A change proposal's payload without the keys it may not touch but left as they were.

    So a record's own answer (GET) sent back as a proposal is accepted; a changed key
    that only the managers may change stays, and `load_payload` refuses it by name.
    """
    if record is not None:
        payload = _without_coordinated(record_type, record, payload)
    allowed = _facts(record_type)
    if allowed is None or record is None:
        return payload
    schema = SCHEMAS[record_type]()
    dumped = schema.dump(record)
    current = canonical_payload(
        record_type, {k: v for k, v in dumped.items() if not schema.fields[k].dump_only}
    )
    keys = {name: (f.attribute or name) for name, f in schema.fields.items()}
    out = {}
    for key, value in payload.items():
        if key in allowed or key == "slug" or key not in schema.fields:
            out[key] = value
            continue
        field = schema.fields[key]
        if field.dump_only:
            continue
        try:
            loaded = schema.load({key: value}, partial=True).get(keys[key])
        except ValidationError:
            out[key] = value
            continue
        if not _same(field, current.get(key), loaded):
            out[key] = value
    return out


def current_values(record_type: str, record) -> dict:
    """The record as loaded data (`canonical`), or, where a stored value no longer loads,
    that value as stored: comparing with it shows a change instead of failing."""
    schema = SCHEMAS[record_type]()
    try:
        return canonical(schema, record)
    except ValidationError:
        dumped = schema.dump(record)
        loaded = canonical_payload(
            record_type, {k: v for k, v in dumped.items() if not schema.fields[k].dump_only}
        )
        keys = {name: (f.attribute or name) for name, f in schema.fields.items()}
        return {keys.get(k, k): v for k, v in loaded.items()}
