"""What a programme presented: links from events and sessions to records, with a role.

Revision ID: d3a8f51c6e27
Revises: 7ba89150834d
Create Date: 2026-11-30 05:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d3a8f51c6e27"
down_revision = "7ba89150834d"
branch_labels = None
depends_on = None

TARGETS = ("case_study", "festival", "element", "organization")


def _one_of(columns):
    return " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in columns) + " = 1"


def upgrade():
    op.create_table(
        "programme_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        *(sa.Column(f"{t}_id", sa.Integer(), nullable=True) for t in TARGETS),
        sa.CheckConstraint(
            _one_of(("event_id", "session_id")), name=op.f("ck_programme_link_one_owner")
        ),
        sa.CheckConstraint(
            _one_of([f"{t}_id" for t in TARGETS]), name=op.f("ck_programme_link_one_record")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"],
            name=op.f("fk_programme_link_event_id_event"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["event_session.id"],
            name=op.f("fk_programme_link_session_id_event_session"), ondelete="CASCADE",
        ),
        *(
            sa.ForeignKeyConstraint(
                [f"{t}_id"], [f"{t}.id"],
                name=op.f(f"fk_programme_link_{t}_id_{t}"), ondelete="CASCADE",
            )
            for t in TARGETS
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_link")),
    )
    with op.batch_alter_table("programme_link") as batch_op:
        for column in ("event_id", "session_id", *(f"{t}_id" for t in TARGETS)):
            batch_op.create_index(
                batch_op.f(f"ix_programme_link_{column}"), [column], unique=False
            )


def downgrade():
    op.drop_table("programme_link")
