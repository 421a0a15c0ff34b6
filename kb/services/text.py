"""Query helpers for text held per language."""

from __future__ import annotations

import sqlalchemy as sa

from kb.i18n import fallback_order


def in_lang(column, lang: str):
    """The text of a per-language JSON column in `lang`, as an SQL expression."""
    return column[lang].as_string()


def by_name(column, lang: str) -> list:
    """ORDER BY terms: the name in the reader's language, falling back like the pages do."""
    return [
        sa.func.lower(sa.func.coalesce(*[in_lang(column, code) for code in fallback_order(lang)]))
    ]
