"""marshmallow's own messages, translated; and turning any error tree into plain strings.

Our own validators already carry translated (lazy) messages; marshmallow's built-in
ones are English literals, listed here so that Babel extracts them.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

BUILTIN = {
    "Missing data for required field.": _l("This field is required."),
    "Field may not be null.": _l("This field may not be empty."),
    "Invalid value.": _l("Invalid value."),
    "Unknown field.": _l("Unknown field."),
    "Invalid input type.": _l("Invalid input type."),
    "Invalid type.": _l("Invalid type."),
    "Not a valid string.": _l("Not a valid text."),
    "Not a valid integer.": _l("Not a valid whole number."),
    "Not a valid number.": _l("Not a valid number."),
    "Number too large.": _l("Number too large."),
    "Special numeric values (nan or infinity) are not permitted.": _l("Not a valid number."),
    "Not a valid boolean.": _l("Not a valid yes/no value."),
    "Not a valid date.": _l("Not a valid date (use YYYY-MM-DD)."),
    "Not a valid datetime.": _l("Not a valid date and time (use ISO 8601)."),
    "Not a valid list.": _l("Not a valid list."),
    "Not a valid mapping type.": _l("Not a valid object."),
    "Not a valid URL.": _l("Not a valid web address (URL)."),
    "Not a valid email address.": _l("Not a valid e-mail address."),
}


def translate(messages):
    """marshmallow's error tree with every message a string in the reader's language."""
    if isinstance(messages, dict):
        return {str(key): translate(value) for key, value in messages.items()}
    if isinstance(messages, list | tuple):
        return [translate(m) for m in messages]
    text = str(messages)
    return str(BUILTIN[text]) if text in BUILTIN else text


def flatten(messages, prefix: str = "") -> list[tuple[str, str]]:
    """marshmallow's nested error messages as (dotted field path, message) pairs."""
    if isinstance(messages, dict):
        out = []
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            out.extend(flatten(value, path))
        return out
    if isinstance(messages, list | tuple):
        if all(not isinstance(m, dict | list | tuple) for m in messages):
            return [(prefix, str(m)) for m in messages]
        out = []
        for item in messages:
            out.extend(flatten(item, prefix))
        return out
    return [(prefix, str(messages))]


def as_fields(messages) -> dict[str, list[str]]:
    """An error tree as the API documents `fields`: dotted path → list of messages."""
    out: dict[str, list[str]] = {}
    for path, message in flatten(translate(messages)):
        out.setdefault(path or "_schema", []).append(message)
    return out


def summary() -> str:
    """The top-level message of a validation error."""
    return _("Some fields are not valid; nothing was saved.")
