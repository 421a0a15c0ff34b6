"""search change log

Revision ID: 7c3e9b14d0a2
Revises: 5a1c0e7d2b91
Create Date: 2026-11-30 02:40:00

The search queue (rows deleted by the first host that applied them) becomes an
append-only change log with a sequence number, read by every host's index
(issue 10 item 4, issue 9 item 5). Waiting queue rows are carried over, in order.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c3e9b14d0a2'
down_revision = '5a1c0e7d2b91'
branch_labels = None
depends_on = None

Seq = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table('search_change',
    sa.Column('seq', Seq, autoincrement=True, nullable=False),
    sa.Column('record_type', sa.String(length=32), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_search_change')),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('search_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_change_created_at'), ['created_at'], unique=False)

    op.create_table('search_index',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('directory', sa.String(length=1000), nullable=False),
    sa.Column('applied', Seq, nullable=False),
    sa.Column('seen_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_index'))
    )
    op.create_table('search_log_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('database_id', sa.String(length=36), nullable=False),
    sa.Column('pruned_through', Seq, nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_log_state'))
    )

    op.execute(
        'INSERT INTO search_change (record_type, record_id, created_at) '
        'SELECT record_type, record_id, created_at FROM search_queue ORDER BY id'
    )
    with op.batch_alter_table('search_queue', schema=None) as batch_op:
        batch_op.drop_index('ix_search_queue_record')
    op.drop_table('search_queue')


def downgrade():
    op.create_table('search_queue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_type', sa.String(length=32), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_queue'))
    )
    with op.batch_alter_table('search_queue', schema=None) as batch_op:
        batch_op.create_index('ix_search_queue_record', ['record_type', 'record_id'], unique=False)
    op.drop_table('search_log_state')
    op.drop_table('search_index')
    with op.batch_alter_table('search_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_change_created_at'))
    op.drop_table('search_change')
