"""The search change log, the indexes that read it, and the database's identity.

Every change to a searchable record appends a `search_change` row in the change's own
transaction; rows are never updated. Each host's index applies the rows past the last
one it applied (its marker, `kb.search.marker`) and says so in `search_index`; a row is
pruned once every registered index has it (`kb.search.log.prune`).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from kb.models.base import UTCDateTime, db, utcnow

#: A 64-bit sequence on PostgreSQL; SQLite's autoincrement needs INTEGER PRIMARY KEY.
Seq = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class SearchChange(db.Model):
    """One record whose index entry must be rewritten, in the order changes were logged.

    `seq` only grows (AUTOINCREMENT on SQLite, so a pruned number is never reused);
    concurrent transactions may commit out of `seq` order, which readers allow for.
    """

    __tablename__ = "search_change"
    __table_args__ = ({"sqlite_autoincrement": True},)

    seq: Mapped[int] = mapped_column(Seq, primary_key=True, autoincrement=True)
    #: The collection name (`elements`, `case-studies`, …), as in the index's keys.
    record_type: Mapped[str] = mapped_column(sa.String(32))
    record_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class SearchIndex(db.Model):
    """An index directory (one per host) that reads the log: how far it has applied it."""

    __tablename__ = "search_index"

    #: The id in the index directory's `index-id` file.
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    host: Mapped[str] = mapped_column(sa.String(255))
    directory: Mapped[str] = mapped_column(sa.String(1000))
    #: Every change with a `seq` up to this one is in the index.
    applied: Mapped[int] = mapped_column(Seq, default=0)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SearchLogState(db.Model):
    """One row: the database's identity (which indexes record) and how far it pruned."""

    __tablename__ = "search_log_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A random id made once per database; an index built from another one is foreign.
    database_id: Mapped[str] = mapped_column(sa.String(36))
    #: Changes up to this `seq` may have been pruned: an index behind it must rebuild.
    pruned_through: Mapped[int] = mapped_column(Seq, default=0)
