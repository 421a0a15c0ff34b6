"""What a submission adds or changes: field by field against the published record.

Values are given in the API's answer shape (links as `{slug, name}`, countries as
`{code, name}`), the same shape the history keeps, so one template shows both.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from marshmallow import fields as ma_fields

from kb.extensions import db
from kb.kinds import BY_SINGULAR
from kb.models import Country, Submission
from kb.services.payloads import (
    SCHEMAS,
    Invalid,
    _named,
    current_values,
    jsonable,
    load_payload,
)
from kb.services.records import _same
from kb.services.submissions import latest_revision_id, target

#: Translated names of the fields of every record type (and of their parts).
FIELD_LABELS = {
    "slug": _l("Address (slug)"),
    "name": _l("Name"),
    "alt_names": _l("Other names"),
    "countries": _l("Countries"),
    "country": _l("Country"),
    "city": _l("City"),
    "place": _l("Venue"),
    "latitude": _l("Latitude"),
    "longitude": _l("Longitude"),
    "periodicity": _l("How often"),
    "usual_months": _l("Usually held in"),
    "first_year": _l("First held"),
    "organizers": _l("Organizers"),
    "organizer_note": _l("About the organizers"),
    "elements": _l("ICH elements it presents"),
    "editions": _l("Editions"),
    "sustainable_development": _l("Contribution to sustainable development"),
    "website": _l("Website"),
    "contact": _l("Contact"),
    "summary": _l("Summary"),
    "description": _l("Description"),
    "notes": _l("Notes"),
    "sources": _l("Sources"),
    "acronym": _l("Acronym"),
    "kind": _l("Kind"),
    "address": _l("Address"),
    "founding_year": _l("Founded"),
    "network_role": _l("Role in the network"),
    "year": _l("Year"),
    "number": _l("Edition number"),
    "start_date": _l("Starts"),
    "end_date": _l("Ends"),
    "note": _l("Note"),
    "text": _l("Name"),
    "lang": _l("Language"),
    # elements, case studies, events and countries (their histories use these too)
    "name_verified": _l("English name confirmed"),
    "unesco_list": _l("UNESCO list"),
    "inscription_year": _l("Inscribed"),
    "domains": _l("Domains"),
    "communities": _l("Communities"),
    "safeguarding": _l("Safeguarding"),
    "title": _l("Title"),
    "body": _l("Text"),
    "sdgs": _l("Sustainable Development Goals"),
    "festivals": _l("Festivals"),
    "organizations": _l("Organizations"),
    "organization": _l("Organization"),
    "role": _l("Role"),
    "theme": _l("Theme"),
    "topics": _l("Topics"),
    "timezone": _l("Time zone"),
    "days": _l("Days"),
    "day": _l("Day"),
    "starts": _l("From"),
    "ends": _l("To"),
    "starts_at": _l("Start time"),
    "ends_at": _l("End time"),
    "online": _l("Online"),
    "venue": _l("Venue"),
    "languages": _l("Working languages"),
    "recording_url": _l("Recording"),
    "sessions": _l("Sessions"),
    "chair": _l("Chair"),
    "speakers": _l("Speakers"),
    "affiliation": _l("Affiliation"),
    "interpretation": _l("Interpretation"),
    "registration": _l("Registration"),
    "opens_at": _l("Registration opens"),
    "closes_at": _l("Registration closes"),
    "capacity": _l("Places"),
    "join_url": _l("Joining link"),
    "status": _l("Publication"),
    "images": _l("Pictures"),
    "region": _l("Region"),
}


def field_label(key: str) -> str:
    """The translated name of a field, or the key itself."""
    return str(FIELD_LABELS.get(key, key))


@dataclass
class Row:
    """One field: the published value, the proposed one, and whether they differ."""

    key: str
    current: object
    proposed: object
    changed: bool


@dataclass
class Comparison:
    """A submission against the published record."""

    rows: list[Row]
    errors: dict = field(default_factory=dict)
    stale: bool = False

    @property
    def changed(self) -> list[Row]:
        """Only the rows that differ."""
        return [row for row in self.rows if row.changed]


def _names(model, values: set) -> dict:
    column = model.code if model is Country else model.slug
    values = {v for v in values if isinstance(v, str)}
    if not values:
        return {}
    return {
        key: name
        for key, name in db.session.execute(sa.select(column, model.name).where(column.in_(values)))
    }


def _shown(value, model, names: dict):
    """A linked record as the answer shows it: `{code, name}` or `{slug, name}`."""
    if model is Country:
        return {"code": value, "name": names.get(value)} if value else None
    return {"slug": value, "name": names.get(value) if isinstance(value, str) else None}


def _show(data: dict, key: str, model, names: dict, many: bool) -> dict:
    head, _sep, rest = key.partition(".")
    if head not in data:
        return data
    value = data[head]
    if rest:  # "editions.country": the key of each object of a list
        if isinstance(value, list):
            value = [
                _show(e, rest, model, names, False) if isinstance(e, dict) else e for e in value
            ]
    elif many:
        value = [_shown(v, model, names) for v in value or []]
    else:
        value = _shown(value, model, names)
    return {**data, head: value}


def _display(record_type: str, data: dict) -> dict:
    """Loaded (or raw) payload values in the answer shape: links (`Kind.references`)
    become `{slug, name}`, countries `{code, name}`."""
    data = jsonable(data)
    references = BY_SINGULAR[record_type].references
    named: dict[type, set] = {}
    for key, model in references:
        named.setdefault(model, set()).update(text for _path, text in _named(data, key))
    names = {model: _names(model, values) for model, values in named.items()}
    fields = BY_SINGULAR[record_type].schema._declared_fields
    out = dict(data)
    for key, model in references:
        many = isinstance(fields.get(key), ma_fields.List)
        out = _show(out, key, model, names[model], many)
    return out


def compare(submission: Submission) -> Comparison:
    """The submission field by field against the record as published now."""
    schema = SCHEMAS[submission.record_type]()
    record = target(submission)
    errors = {}
    try:
        proposed = load_payload(submission.record_type, submission.payload)
    except Invalid as exc:
        proposed, errors = dict(submission.payload), exc.fields
    current = current_values(submission.record_type, record) if record is not None else {}
    shown_now = _display(submission.record_type, current)
    shown_new = _display(submission.record_type, proposed)
    rows = []
    allowed = BY_SINGULAR[submission.record_type].facts
    keys = [
        k
        for k, f in schema.load_fields.items()
        if k not in ("slug", "sources") and not f.load_only and (allowed is None or k in allowed)
    ] + ["sources"]
    for key in keys:
        if key not in proposed and key not in current:
            continue
        old, new = current.get(key), proposed.get(key, current.get(key))
        if record is None:
            changed = new not in (None, [], {})
        else:
            changed = not _same(schema.load_fields[key], old, new)
        rows.append(Row(key, shown_now.get(key), shown_new.get(key), changed))
    stale = (
        record is not None
        and submission.state == "pending"
        and latest_revision_id(submission.record_type, record.id) != submission.base_revision_id
    )
    return Comparison(rows=rows, errors=errors, stale=stale)
