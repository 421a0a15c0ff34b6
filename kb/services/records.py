"""Saving a record from loaded input: only what changed is written, and history is kept.

Every domain service saves through `save_record`, so the seed loader, the API, the
forms and the CLI all write the same way and leave the same history.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from marshmallow import EXCLUDE, Schema, fields

from kb.extensions import db
from kb.models import Account, Revision

Setter = Callable[[object, object], None]


@dataclass(frozen=True)
class Actor:
    """Who makes a change: an account, or a named process such as the seed loader."""

    label: str
    account: Account | None = None

    @classmethod
    def of(cls, account: Account) -> Actor:
        """The actor for a logged-in account."""
        return cls(label=account.email, account=account)


SEED = Actor("seed")


class Changes(dict):
    """`{json_key: [old, new]}` for each changed field; `created` when the record is new."""

    created: bool = False


def _fill_private(schema: Schema, obj, data: dict) -> None:
    """Copy load-only (private) values from `obj` into `data`, into nested lists too."""
    for name, field in schema.load_fields.items():
        attr = field.attribute or name
        if field.load_only:
            data[attr] = getattr(obj, attr, None)
        elif isinstance(field, fields.List) and isinstance(field.inner, fields.Nested):
            for child, child_data in zip(
                getattr(obj, attr, None) or [], data.get(attr) or [], strict=False
            ):
                _fill_private(field.inner.schema, child, child_data)


def canonical(schema: Schema, obj) -> dict:
    """`obj` in the form `schema.load` gives: what new input is compared with."""
    data = schema.load(schema.dump(obj), unknown=EXCLUDE, partial=True)
    _fill_private(schema, obj, data)
    return data


def _plain(value):
    """`value` with null-valued keys dropped at every depth: absent and null are one."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _same(field, old, new) -> bool:
    """Whether two loaded values are equal; sets of links compare without order."""
    old, new = _plain(old), _plain(new)
    if (
        field is not None
        and field.metadata.get("unordered")
        and old is not None
        and new is not None
    ):
        return sorted(map(repr, old)) == sorted(map(repr, new))
    return old == new


def dump_keys(schema: Schema) -> dict[str, str]:
    """Map each loaded key (the attribute) to its key in the JSON shape."""
    return {(f.attribute or name): name for name, f in schema.fields.items()}


def save_record(
    record,
    data: dict,
    schema: Schema,
    setters: dict[str, Setter],
    actor: Actor,
    *,
    record_type: str,
    note: str | None = None,
) -> Changes:
    """Apply `data` (as `schema.load` gives it) to `record`, which may be new (transient).

    Only fields whose value differs are set, so saving the same input twice writes
    nothing. Returns the changes as `{json_key: [old, new]}` and, when there are any,
    adds a Revision. Flushes; never commits.
    """
    creating = record.id is None
    before = {} if creating else canonical(schema, record)
    before_json = {} if creating else schema.dump(record)
    by_attr = {(f.attribute or name): f for name, f in schema.fields.items()}
    changed = [
        key
        for key, value in data.items()
        if creating or not _same(by_attr.get(key), before.get(key), value)
    ]
    changes = Changes()
    changes.created = creating
    if not changed:
        return changes
    # No autoflush while half-applied: a reference lookup must not flush a record that
    # is not complete yet.
    with db.session.no_autoflush:
        for key in changed:
            setter = setters.get(key)
            if setter:
                setter(record, data[key])
            else:
                setattr(record, key, data[key])
        if creating:
            db.session.add(record)
    db.session.flush()
    db.session.expire(record)
    after_json = schema.dump(record)
    keys = dump_keys(schema)
    for key in changed:
        json_key = keys.get(key, key)
        if schema.fields.get(json_key) is not None and schema.fields[json_key].load_only:
            changes[json_key] = None  # private: record that it changed, never its value
        else:
            changes[json_key] = [before_json.get(json_key), after_json.get(json_key)]
    db.session.add(
        Revision(
            record_type=record_type,
            record_id=record.id,
            action="create" if creating else "update",
            account_id=actor.account.id if actor.account else None,
            actor=actor.label,
            changes=changes,
            note=note,
        )
    )
    db.session.flush()
    return changes
