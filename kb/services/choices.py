"""What the forms offer to choose from the directory, named in the reader's language."""

from __future__ import annotations

import sqlalchemy as sa

from kb.extensions import db
from kb.i18n import pick
from kb.models import Country, Element, Organization


def _named(rows, key) -> list[tuple[str, str]]:
    pairs = [(key(r), str(pick(r.label) or key(r))) for r in rows]
    return sorted(pairs, key=lambda pair: pair[1].lower())


def countries() -> list[tuple[str, str]]:
    """(code, name) of every country."""
    return _named(db.session.scalars(sa.select(Country)), lambda c: c.code)


def published(model) -> list[tuple[str, str]]:
    """(slug, name) of every published record of `model`."""
    rows = db.session.scalars(sa.select(model).where(model.status == "published"))
    return _named(rows, lambda r: r.slug)


def festival_choices() -> dict[str, list[tuple[str, str]]]:
    """The choices of the festival form."""
    return {
        "countries": countries(),
        "elements": published(Element),
        "organizations": published(Organization),
    }
