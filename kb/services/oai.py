"""What an OAI-PMH harvester sees: every record with a datestamp, in a stable order.

A record's datestamp is its `updated_at`. Published records are harvested with their
metadata; unpublished ones answer as deleted (the repository keeps deletions
persistently: a record taken down stays listed as deleted). Countries are always public.

Lists are read in one order, (datestamp, record type, id), and a resumption token holds
the position reached plus the `until` of the harvest's first request: records added or
changed after the harvest began are left to the next (incremental) harvest, so pages
never shift under the harvester when records are inserted meanwhile.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from kb.extensions import db
from kb.models import Country
from kb.models.base import utcnow

#: Headers or records per page of a list answer.
PAGE_SIZE = 100


class BadToken(Exception):
    """The resumption token was not made by this repository (or was altered)."""


@dataclass(frozen=True)
class Entry:
    """One record as listed: its type's position, id, slug, datestamp and whether public."""

    kind: int
    id: int
    slug: str
    datestamp: datetime
    public: bool


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _columns(model):
    if model is Country:
        return Country.id, sa.func.lower(Country.code), Country.updated_at, sa.true()
    return model.id, model.slug, model.updated_at, model.status == "published"


def _query(model, kind: int, lower, upper, after, country: str | None):
    id_, slug, stamp, public = _columns(model)
    query = sa.select(id_, slug, stamp, public)
    if lower is not None:
        query = query.where(stamp >= lower)
    query = query.where(stamp < upper)
    if after is not None:
        a_stamp, a_kind, a_id = after
        if kind > a_kind:
            query = query.where(stamp >= a_stamp)
        elif kind == a_kind:
            query = query.where(sa.or_(stamp > a_stamp, sa.and_(stamp == a_stamp, id_ > a_id)))
        else:
            query = query.where(stamp > a_stamp)
    if country:
        query = query.where(_in_country(model, country))
    return query.order_by(stamp, id_)


def _in_country(model, code: str):
    """The records of `model` that concern the country `code`."""
    if model is Country:
        return Country.code == code
    if hasattr(model, "countries"):
        return model.countries.any(Country.code == code)
    return model.country.has(Country.code == code)


def list_entries(
    models: list,
    *,
    lower: datetime | None,
    upper: datetime,
    after: tuple | None = None,
    country: str | None = None,
    limit: int = PAGE_SIZE,
) -> list[Entry]:
    """Up to `limit` entries with lower <= datestamp < upper, after position `after`.

    `models` is the list of record models in their fixed order (their index is the
    record type's place in the order); a set by type passes one model and its index.
    """
    found: list[Entry] = []
    for kind, model in models:
        query = _query(model, kind, lower, upper, after, country).limit(limit)
        for id_, slug, stamp, public in db.session.execute(query):
            found.append(Entry(kind, id_, slug, _aware(stamp), bool(public)))
    found.sort(key=lambda e: (e.datestamp, e.kind, e.id))
    return found[:limit]


def get_entry(model, kind: int, slug: str) -> Entry | None:
    """The entry of one record by its slug (countries: their code), or None."""
    id_, slug_col, stamp, public = _columns(model)
    row = db.session.execute(
        sa.select(id_, slug_col, stamp, public).where(slug_col == slug.lower())
    ).first()
    return Entry(kind, row[0], row[1], _aware(row[2]), bool(row[3])) if row else None


def earliest(models: list) -> datetime:
    """The oldest datestamp in the repository (now when it is empty)."""
    stamps = [db.session.scalar(sa.select(sa.func.min(_columns(m)[2]))) for m in models]
    stamps = [_aware(s) for s in stamps if s is not None]
    return min(stamps) if stamps else utcnow()


def harvest_until(until: datetime | None) -> datetime:
    """The exclusive upper bound of a harvest: one second past `until`, or now."""
    if until is not None:
        return until + timedelta(seconds=1)
    return utcnow()


def make_token(state: dict) -> str:
    """A resumption token carrying `state` (the request's arguments and the position)."""
    raw = json.dumps(state, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def read_token(token: str) -> dict:
    """The state in a token; BadToken when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        state = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise BadToken() from exc
    if not isinstance(state, dict) or not {"prefix", "upper", "after"} <= set(state):
        raise BadToken()
    return state
