"""Speakers as people: a name per language, a role, a directory affiliation.

The name was one text; it becomes a per-language object, under the language whose
script it is written in (Hangul: ko, Cyrillic: ru, anything else: en). The old free
`role` text (a position, or what they spoke on) becomes `note`; `role` is now one of
speaker, chair, moderator, performer (existing speakers: speaker).

Revision ID: e5b19c7a2d40
Revises: 557213a928d5
Create Date: 2026-11-30 05:50:00

"""
import json
import unicodedata

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "e5b19c7a2d40"
down_revision = "557213a928d5"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
SCRIPTS = {"HANGUL": "ko", "CYRILLIC": "ru", "LATIN": "en"}


def _language(name):
    for char in name:
        if char.isalpha():
            return SCRIPTS.get(unicodedata.name(char, "").split(" ")[0], "en")
    return "en"


def upgrade():
    with op.batch_alter_table("speaker") as batch_op:
        batch_op.alter_column("role", new_column_name="note")
    with op.batch_alter_table("speaker") as batch_op:
        batch_op.add_column(sa.Column("names", JSON, nullable=True))
        batch_op.add_column(sa.Column("transliteration", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("organization_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("role", sa.String(length=16), server_default="speaker", nullable=False)
        )
        batch_op.create_index(batch_op.f("ix_speaker_organization_id"), ["organization_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_speaker_organization_id_organization"),
            "organization",
            ["organization_id"],
            ["id"],
            ondelete="SET NULL",
        )
    conn = op.get_bind()
    speaker = sa.table(
        "speaker", sa.column("id", sa.Integer), sa.column("name", sa.String),
        sa.column("names", JSON),
    )
    for sid, name in conn.execute(sa.select(speaker.c.id, speaker.c.name)).all():
        text = " ".join((name or "").split()) or "?"
        conn.execute(
            speaker.update().where(speaker.c.id == sid).values(names={_language(text): text})
        )
    with op.batch_alter_table("speaker") as batch_op:
        batch_op.drop_column("name")
    with op.batch_alter_table("speaker") as batch_op:
        batch_op.alter_column("names", new_column_name="name", existing_type=JSON, nullable=False)


def downgrade():
    with op.batch_alter_table("speaker") as batch_op:
        batch_op.add_column(sa.Column("plain", sa.String(length=200), nullable=True))
    conn = op.get_bind()
    speaker = sa.table(
        "speaker", sa.column("id", sa.Integer), sa.column("name", JSON),
        sa.column("plain", sa.String),
    )
    for sid, names in conn.execute(sa.select(speaker.c.id, speaker.c.name)).all():
        if isinstance(names, str):
            names = json.loads(names)
        names = names or {}
        text = names.get("en") or next(iter(names.values()), "?")
        conn.execute(speaker.update().where(speaker.c.id == sid).values(plain=text[:200]))
    with op.batch_alter_table("speaker") as batch_op:
        batch_op.drop_constraint("fk_speaker_organization_id_organization", type_="foreignkey")
        batch_op.drop_index("ix_speaker_organization_id")
        batch_op.drop_column("role")
        batch_op.drop_column("organization_id")
        batch_op.drop_column("transliteration")
        batch_op.drop_column("name")
    with op.batch_alter_table("speaker") as batch_op:
        batch_op.alter_column("plain", new_column_name="name", existing_type=sa.String(200), nullable=False)
        batch_op.alter_column("note", new_column_name="role")
