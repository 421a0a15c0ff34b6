"""People's names: which language key a written name belongs under, by its script.

A name is held per language like any text, but the reader's language is not the name's:
"Gi Hyung Keum" typed on a Russian form is still the Latin form. So a name goes under
the language whose script it is written in (Hangul: `ko`, Cyrillic: `ru`, Latin: `en`),
and only a name in another script goes under the language of the form.
"""

from __future__ import annotations

import unicodedata

#: The working language whose script each Unicode script name (its first word) is.
SCRIPTS = {"HANGUL": "ko", "CYRILLIC": "ru", "LATIN": "en"}


def name_language(name: str, typed_in: str) -> str:
    """The language key for `name`: by the script of its first letter, else `typed_in`."""
    for char in name:
        if char.isalpha():
            script = unicodedata.name(char, "").split(" ")[0]
            return SCRIPTS.get(script, typed_in)
    return typed_in


def as_name(value, typed_in: str = "en") -> dict:
    """A name as given (a text, or already per language) as a per-language object."""
    if isinstance(value, dict):
        return value
    text = " ".join(str(value).split())
    return {name_language(text, typed_in): text} if text else {}
