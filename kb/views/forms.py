"""Putting the schema's and the services' refusals next to the form fields they concern."""

from __future__ import annotations

from kb.seed import flatten


def attach_errors(form, messages, fields: dict[str, str] | None = None) -> None:
    """Add marshmallow-style `messages` to `form`: to the field each names, else the form.

    `fields` maps an API field path (`registration.closes_at`) to a form field name.
    """
    fields = fields or {}
    for path, message in flatten(messages):
        name = fields.get(path) or fields.get(path.split(".")[0]) or path.replace(".", "_")
        if name in form._fields and name != "csrf_token":
            form[name].errors = [*form[name].errors, message]
        else:
            form.form_errors.append(message)
