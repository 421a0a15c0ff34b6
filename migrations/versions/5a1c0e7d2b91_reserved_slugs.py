"""slugs reserved by submissions

Revision ID: 5a1c0e7d2b91
Revises: eac0f437589d
Create Date: 2026-11-30 02:20:00

A new record's submission reserves its slug when it is submitted, so two approvals can
never publish one slug (issue 9: the loser of two approvals was a 500, UniqueViolation).
Submissions awaiting review or returned get their payload's slug, the oldest first; a
slug already held by a record or an older submission stays unreserved (the approval then
refuses it, as before).
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "5a1c0e7d2b91"
down_revision = "eac0f437589d"
branch_labels = None
depends_on = None

TABLES = {"festival": "festival", "organization": "organization"}


def upgrade():
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reserved_slug", sa.String(length=120), nullable=True))
        batch_op.create_unique_constraint(
            "uq_submission_reserved_slug", ["record_type", "reserved_slug"]
        )

    conn = op.get_bind()
    submission = sa.table(
        "submission",
        sa.column("id", sa.Integer),
        sa.column("record_type", sa.String),
        sa.column("record_id", sa.Integer),
        sa.column("state", sa.String),
        sa.column("payload", sa.JSON),
        sa.column("reserved_slug", sa.String),
    )
    rows = conn.execute(
        sa.select(submission.c.id, submission.c.record_type, submission.c.payload)
        .where(
            submission.c.record_id.is_(None),
            submission.c.state.in_(("pending", "returned")),
        )
        .order_by(submission.c.id)
    ).all()
    taken: set[tuple[str, str]] = set()
    for row in rows:
        payload = row.payload or {}
        slug = str(payload.get("slug") or "").strip().lower()[:120]
        table = TABLES.get(row.record_type)
        if not slug or table is None or (row.record_type, slug) in taken:
            continue
        held = conn.execute(
            sa.text(f"SELECT 1 FROM {table} WHERE slug = :slug"), {"slug": slug}
        ).first()
        if held is None:
            taken.add((row.record_type, slug))
            conn.execute(
                sa.update(submission).where(submission.c.id == row.id).values(reserved_slug=slug)
            )


def downgrade():
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_constraint("uq_submission_reserved_slug", type_="unique")
        batch_op.drop_column("reserved_slug")
