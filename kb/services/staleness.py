"""Proposals made against an older state of their record: bring them up to date, or refuse.

A change proposal remembers the newest revision of its record when it was made
(`base_revision_id`). If the record changed since, applying the proposal as it stands
would silently undo those changes. So, field by field, for each field changed since:

- the proposal agrees with the record now: nothing to do;
- the proposal still holds the value from before the change (its author left the field
  alone): the field follows the record as it is now;
- otherwise both changed it: a conflict, which a moderator resolves by editing the
  proposal (their version then stands) or by returning it to its author.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from marshmallow import ValidationError

from kb.extensions import db
from kb.models import Revision, Submission
from kb.services.common import ServiceError
from kb.services.compare import field_label
from kb.services.payloads import SCHEMAS, current_values
from kb.services.records import _same


def _before_changes(submission: Submission, record) -> dict:
    """Each field changed since the proposal was made: its value before the first change."""
    query = (
        sa.select(Revision.changes)
        .where(
            Revision.record_type == submission.record_type,
            Revision.record_id == record.id,
            Revision.id > (submission.base_revision_id or 0),
        )
        .order_by(Revision.id)
    )
    before: dict = {}
    for changes in db.session.scalars(query):
        for key, pair in (changes or {}).items():
            before.setdefault(key, pair[0] if isinstance(pair, list) and pair else None)
    return before


def rebase(submission: Submission, record, proposed: dict, *, strict: bool) -> dict:
    """`proposed` (loaded) brought up to date with `record`; see the module's docstring.

    With `strict`, a field both changed raises `ServiceError` (code `stale`) naming the
    fields; without, the proposal's value stands (a moderator's edit decides).
    """
    if record is None:
        return proposed
    schema = SCHEMAS[submission.record_type]()
    before = _before_changes(submission, record)
    if not before:
        return proposed
    current = current_values(submission.record_type, record)
    out, conflicts = dict(proposed), []
    for key, old in before.items():
        field = schema.fields.get(key)
        if field is None or field.dump_only or field.load_only:
            continue
        attr = field.attribute or key
        if attr not in proposed or _same(field, current.get(attr), proposed[attr]):
            continue
        try:
            was = schema.load({key: old}, partial=True).get(attr)
        except ValidationError:
            was = object()  # unreadable: treat as changed by both
        if _same(field, was, proposed[attr]):
            out[attr] = current.get(attr)  # left alone by the proposal: follow the record
        else:
            conflicts.append(key)
    if conflicts and strict:
        raise ServiceError(
            None,
            _(
                "The record has changed since this proposal was made, and the proposal "
                "changes the same fields: %(fields)s. Edit the proposal to decide each of "
                "them, or return it to its author.",
                fields=", ".join(field_label(k) for k in conflicts),
            ),
            code="stale",
        )
    return out
