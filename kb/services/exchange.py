"""What the knowledge base shows other systems: which records are public and when they changed.

Crawlers (the sitemap), and later feeds and harvesters, read the same answer: a record is
public when it is published (countries always are); its date is `updated_at`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from kb.extensions import db
from kb.models import Country

#: Records per sitemap file: three language versions each stay under the protocol's 50,000.
SITEMAP_CHUNK = 15_000


@dataclass(frozen=True)
class Stamp:
    """A public record's address part and when it last changed."""

    slug: str
    updated_at: datetime


def _public(model) -> sa.Select:
    if model is Country:
        return sa.select(sa.func.lower(Country.code), Country.updated_at).order_by(Country.id)
    return (
        sa.select(model.slug, model.updated_at)
        .where(model.status == "published")
        .order_by(model.id)
    )


def public_count(model) -> int:
    """How many records of `model` the public may see."""
    query = _public(model).order_by(None).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(query)) or 0


def last_change(model) -> datetime | None:
    """When a public record of `model` last changed (None when there is none)."""
    query = _public(model).order_by(None).subquery()
    return db.session.scalar(sa.select(sa.func.max(query.c[1])))


def sitemap_chunks(model) -> list[datetime | None]:
    """The last change of each sitemap file of `model`, in file order (at least one file)."""
    count = public_count(model)
    chunks = max(1, -(-count // SITEMAP_CHUNK))
    if chunks == 1:
        return [last_change(model)]
    return [
        max((s.updated_at for s in public_stamps(model, n)), default=None) for n in range(chunks)
    ]


def public_stamps(model, chunk: int = 0) -> list[Stamp]:
    """The public records of `model` in sitemap file `chunk` (0-based), oldest id first."""
    query = _public(model).offset(chunk * SITEMAP_CHUNK).limit(SITEMAP_CHUNK)
    return [Stamp(slug, updated) for slug, updated in db.session.execute(query)]


#: Entries in an Atom feed: enough for a reader polling every few hours.
FEED_LENGTH = 50


def recent(models, limit: int = FEED_LENGTH) -> list:
    """The public records of `models` that changed last, newest first (at most `limit`)."""
    found = []
    for model in models:
        query = sa.select(model)
        if model is not Country:
            query = query.where(model.status == "published")
        query = query.order_by(model.updated_at.desc(), model.id.desc()).limit(limit)
        found += db.session.scalars(query).all()
    found.sort(key=lambda record: (record.updated_at, record.id), reverse=True)
    return found[:limit]
