"""WTForms forms: the shape of what people type; the schemas and services judge the rest."""

from __future__ import annotations

from wtforms.fields.choices import SelectChoice


def options(pairs) -> list[SelectChoice]:
    """Select choices from (value, label) pairs (WTForms 3.3 deprecates bare tuples)."""
    return [SelectChoice(str(value), str(label)) for value, label in pairs]
