"""A client may send back what the API answered: read-only keys unchanged are accepted.

An answer (GET) carries keys the client cannot write: `status`, `created_at`, the images,
an event's state. A client that changes one field and sends the whole answer back must
not be refused for them, nor may a changed read-only value pass for a change that
happened. So before loading a body:

- a read-only key whose value is what the API answers now is dropped;
- a read-only key with another value is refused, naming the key;
- keys that describe the moment rather than the record (`VOLATILE`: an event's state,
  places left, `updated_at`) are dropped whatever their value: they change on their own
  between the client's read and its write, and no client can set them.

On a create there is no current answer: read-only keys are dropped (a body copied from
another record's answer is accepted as a new record's data). Nested lists of objects
(sessions, organisations) are checked the same way, position by position.
"""

from __future__ import annotations

import json

from flask import current_app
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields

#: Read-only keys that change by themselves, dropped whatever their value.
VOLATILE = frozenset(
    {"updated_at", "state", "registration_state", "places_left", "calendar_url", "images"}
)

READ_ONLY = _l("This field is read-only: send the value the API answered, or leave it out.")


def _normal(value):
    """A dumped value as the API writes it (datetimes as strings, tuples as lists)."""
    return json.loads(current_app.json.dumps(value))


def _nested_schema(field) -> Schema | None:
    if isinstance(field, fields.Nested):
        return field.schema
    if isinstance(field, fields.List) and isinstance(field.inner, fields.Nested):
        return field.inner.schema
    return None


def _strip(body: dict, schema: Schema, current: dict | None, errors: dict) -> dict:
    """`body` without the read-only keys; refusals go into `errors` (marshmallow's shape)."""
    out = {}
    for key, value in body.items():
        field = schema.fields.get(key)
        if field is None:
            out[key] = value  # unknown: the load refuses it, naming it
            continue
        if field.dump_only:
            if key in VOLATILE or current is None:
                continue
            if key in current and _normal(value) == current[key]:
                continue
            errors[key] = [str(READ_ONLY)]
            continue
        nested = _nested_schema(field)
        old = (current or {}).get(key)
        if nested is not None and isinstance(value, list):
            old = old if isinstance(old, list) else []
            items = []
            for i, item in enumerate(value):
                if not isinstance(item, dict):
                    items.append(item)
                    continue
                sub: dict = {}
                previous = old[i] if i < len(old) and isinstance(old[i], dict) else None
                items.append(_strip(item, nested, previous, sub))
                if sub:
                    errors.setdefault(key, {})[i] = sub
            out[key] = items
        elif nested is not None and isinstance(value, dict):
            sub = {}
            out[key] = _strip(value, nested, old if isinstance(old, dict) else None, sub)
            if sub:
                errors[key] = sub
        else:
            out[key] = value
    return out


def own_shape(body: dict, answer_schema: Schema, current: dict | None) -> dict:
    """`body` without the read-only keys `answer_schema` dumps; refused when one was changed.

    `current` is the API's answer for the record now (`answer_schema.dump(record)`), or
    None when the body creates a record.
    """
    errors: dict[str, list[str]] = {}
    now = _normal(current) if current is not None else None
    cleaned = _strip(body, answer_schema, now, errors)
    if errors:
        raise ValidationError(errors)
    return cleaned
