"""Sessions and tokens can be cut off: a session generation per account (log-out,
password change or reset and deactivation end every session), token names and expiry.

Revision ID: f6d70b3624b6
Revises: 5a1f0c3e9b7d
Create Date: 2026-11-30 02:04:03.170882

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "f6d70b3624b6"
down_revision = "5a1f0c3e9b7d"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("account") as batch_op:
        batch_op.add_column(
            sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("api_token") as batch_op:
        batch_op.add_column(sa.Column("name", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("api_token") as batch_op:
        batch_op.drop_column("expires_at")
        batch_op.drop_column("name")
    with op.batch_alter_table("account") as batch_op:
        batch_op.drop_column("session_generation")
