"""Chairs are people: a session's chair becomes its first speaker, with the role chair.

The chair was a plain name on the session; it moves into the session's speakers (named
per language by its script, as kb.names does), first in order, and the column goes.

Revision ID: f2c4d6e8a013
Revises: e5b19c7a2d40
Create Date: 2026-11-30 06:00:00

"""
import json
import unicodedata

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "f2c4d6e8a013"
down_revision = "e5b19c7a2d40"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
SCRIPTS = {"HANGUL": "ko", "CYRILLIC": "ru", "LATIN": "en"}


def _language(name):
    for char in name:
        if char.isalpha():
            return SCRIPTS.get(unicodedata.name(char, "").split(" ")[0], "en")
    return "en"


def _speaker():
    return sa.table(
        "speaker",
        sa.column("session_id", sa.Integer),
        sa.column("position", sa.Integer),
        sa.column("name", JSON),
        sa.column("role", sa.String),
    )


def upgrade():
    conn = op.get_bind()
    session = sa.table("event_session", sa.column("id", sa.Integer), sa.column("chair", sa.String))
    speaker = _speaker()
    chaired = conn.execute(
        sa.select(session.c.id, session.c.chair).where(session.c.chair.is_not(None))
    ).all()
    for sid, chair in chaired:
        name = " ".join(chair.split())
        if not name:
            continue
        conn.execute(
            speaker.update()
            .where(speaker.c.session_id == sid)
            .values(position=speaker.c.position + 1)
        )
        conn.execute(
            speaker.insert().values(
                session_id=sid, position=0, name={_language(name): name}, role="chair"
            )
        )
    with op.batch_alter_table("event_session") as batch_op:
        batch_op.drop_column("chair")


def downgrade():
    with op.batch_alter_table("event_session") as batch_op:
        batch_op.add_column(sa.Column("chair", sa.String(length=200), nullable=True))
    conn = op.get_bind()
    session = sa.table("event_session", sa.column("id", sa.Integer), sa.column("chair", sa.String))
    speaker = sa.table(
        "speaker", sa.column("id", sa.Integer), sa.column("session_id", sa.Integer),
        sa.column("position", sa.Integer), sa.column("name", JSON), sa.column("role", sa.String),
    )
    rows = conn.execute(
        sa.select(speaker.c.id, speaker.c.session_id, speaker.c.name)
        .where(speaker.c.role == "chair")
        .order_by(speaker.c.session_id, speaker.c.position)
    ).all()
    done = set()
    for spk_id, sid, names in rows:
        if sid in done:
            continue
        done.add(sid)
        if isinstance(names, str):
            names = json.loads(names)
        names = names or {}
        text = names.get("en") or next(iter(names.values()), "")
        conn.execute(session.update().where(session.c.id == sid).values(chair=text[:200] or None))
        conn.execute(speaker.delete().where(speaker.c.id == spk_id))
