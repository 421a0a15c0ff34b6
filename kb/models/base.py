"""Declarative base, the `db` handle, column types and mixins shared by every domain."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints, so Alembic can alter and drop them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every model; carries the constraint naming convention."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

#: JSON on SQLite, JSONB on PostgreSQL.
JSONType = sa.JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    """Return the current time, aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp stored as naive UTC and always read back as an aware UTC datetime.

    SQLite has no time-zone type and PostgreSQL's converts on read; storing naive UTC
    everywhere makes both backends return the same values.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


class LangText(sa.types.TypeDecorator):
    """Text held per language: a JSON object of language code to text.

    Adding a language is adding a key, never a column. Empty values are dropped so that
    "missing in this language" has one representation.
    """

    impl = JSONType
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        clean = {k: v for k, v in dict(value).items() if isinstance(v, str) and v.strip()}
        return clean or None

    def process_result_value(self, value, dialect):
        return value or None


class TimestampMixin:
    """Creation and last-change times."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


#: Publication states a record can be in. Only `published` records are public.
STATUSES = ("draft", "published", "withdrawn")


class RecordMixin(TimestampMixin):
    """What every public record has: id, stable slug, publication state and sources."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    status: Mapped[str] = mapped_column(sa.String(16), default="published", index=True)
    sources: Mapped[list] = mapped_column(JSONType, default=list)

    #: The attribute that holds the record's display name (`name` or `title`).
    label_field = "name"

    @property
    def label(self) -> dict:
        """The record's name or title, per language."""
        return getattr(self, self.label_field) or {}

    @property
    def is_published(self) -> bool:
        """Whether the public may see the record."""
        return self.status == "published"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.slug}>"


def render_item(type_, obj, autogen_context):
    """Alembic hook: write our column types as plain SQLAlchemy types in migrations.

    Migration files then never import application code, which may move or change.
    """
    if type_ != "type":
        return False
    if isinstance(obj, LangText | sa.JSON) or (
        isinstance(obj, sa.types.TypeDecorator) and isinstance(obj.impl, sa.JSON)
    ):
        autogen_context.imports.add("from sqlalchemy.dialects import postgresql")
        return "sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')"
    if isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False
