"""Putting the schema's and the services' refusals next to the form fields they concern."""

from __future__ import annotations

from collections.abc import Callable

from marshmallow import ValidationError
from wtforms import FieldList

from kb.extensions import db
from kb.schemas import messages as schema_messages
from kb.schemas.messages import flatten
from kb.services.common import ServiceError


def attach_errors(form, messages, fields: dict[str, str] | None = None) -> None:
    """Add marshmallow-style `messages` to `form`: to the field each names, else the form.

    `fields` maps an API field path (`registration.closes_at`) to a form field name.
    """
    fields = fields or {}
    for path, message in flatten(messages):
        row = _row_field(form, path)
        if row is not None:
            row.errors = [*row.errors, message]
            continue
        name = fields.get(path) or fields.get(path.split(".")[0]) or path.replace(".", "_")
        if name in form._fields and name != "csrf_token":
            form[name].errors = [*form[name].errors, message]
        else:
            form.form_errors.append(message)


def _row_field(form, path: str):
    """The field of a row (`days.1.ends`) of a list of sub-forms, if `path` names one."""
    parts = path.split(".")
    if len(parts) != 3 or not parts[1].isdigit() or parts[0] not in form._fields:
        return None
    rows = form[parts[0]]
    if not isinstance(rows, FieldList) or int(parts[1]) >= len(rows.entries):
        return None
    entry = rows.entries[int(parts[1])]
    sub = getattr(entry, "form", None)
    return sub[parts[2]] if sub is not None and parts[2] in sub._fields else None


def save_or_refuse(form, save: Callable[[], object], fields: dict[str, str] | None = None) -> bool:
    """Run `save` (load the form's data, call a service) as the request's one transaction.

    On success it commits and returns True. If the schema or a business rule refuses,
    nothing is kept: it rolls back, puts each message on the field it concerns, and
    returns False.
    """
    try:
        save()
    except ValidationError as exc:
        db.session.rollback()
        attach_errors(form, schema_messages.translate(exc.messages), fields)
        return False
    except ServiceError as exc:
        db.session.rollback()
        attach_errors(form, exc.as_fields(), fields)
        return False
    db.session.commit()
    return True
