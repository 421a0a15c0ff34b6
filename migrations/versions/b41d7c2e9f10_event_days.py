"""Event days (each with its own hours in the event's zone) and sessions' lasting uid.

Existing events get one day per calendar date of their old span, in their zone, and
only the hours the span says: the first day's start and the last day's end (the hours
in between were never recorded, so they stay empty). Sessions get a uid, and a day
from their start time where they had none.

Revision ID: b41d7c2e9f10
Revises: f6d70b3624b6
Create Date: 2026-11-30 02:20:00

"""
import uuid
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b41d7c2e9f10'
down_revision = "f6d70b3624b6"
branch_labels = None
depends_on = None

#: An old span longer than this gets only its first and last days (never a runaway loop).
MAX_DAYS = 366


def _aware(value):
    return None if value is None else value.replace(tzinfo=UTC)


def upgrade():
    op.create_table('event_day',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('starts', sa.Time(), nullable=True),
    sa.Column('ends', sa.Time(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_day_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'day', name=op.f('pk_event_day'))
    )
    with op.batch_alter_table('event_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('uid', sa.String(length=32), nullable=True))

    bind = op.get_bind()
    event = sa.table('event', sa.column('id', sa.Integer), sa.column('timezone', sa.String),
                     sa.column('start_date', sa.Date), sa.column('end_date', sa.Date),
                     sa.column('starts_at', sa.DateTime), sa.column('ends_at', sa.DateTime))
    day_t = sa.table('event_day', sa.column('event_id', sa.Integer), sa.column('day', sa.Date),
                     sa.column('starts', sa.Time), sa.column('ends', sa.Time))
    session = sa.table('event_session', sa.column('id', sa.Integer),
                       sa.column('event_id', sa.Integer), sa.column('uid', sa.String),
                       sa.column('day', sa.Date), sa.column('starts_at', sa.DateTime))
    zones = {}
    for row in bind.execute(sa.select(event)).all():
        zone = ZoneInfo(row.timezone)
        zones[row.id] = zone
        starts_at, ends_at = _aware(row.starts_at), _aware(row.ends_at)
        first = starts_at.astimezone(zone).date() if starts_at else row.start_date
        last = ends_at.astimezone(zone).date() if ends_at else (row.end_date or first)
        last = max(last, first)
        count = (last - first).days + 1
        dates = ([first + timedelta(days=i) for i in range(count)] if count <= MAX_DAYS
                 else [first, last])
        rows = [{'event_id': row.id, 'day': d, 'starts': None, 'ends': None} for d in dates]
        if starts_at:
            rows[0]['starts'] = starts_at.astimezone(zone).time().replace(tzinfo=None)
        if ends_at:
            rows[-1]['ends'] = ends_at.astimezone(zone).time().replace(tzinfo=None)
        bind.execute(day_t.insert(), rows)
    for row in bind.execute(sa.select(session)).all():
        values = {'uid': uuid.uuid4().hex}
        if row.day is None and row.starts_at is not None and row.event_id in zones:
            values['day'] = _aware(row.starts_at).astimezone(zones[row.event_id]).date()
        bind.execute(session.update().where(session.c.id == row.id).values(**values))

    with op.batch_alter_table('event_session', schema=None) as batch_op:
        batch_op.alter_column('uid', existing_type=sa.String(length=32), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_event_session_uid'), ['uid'])


def downgrade():
    with op.batch_alter_table('event_session', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_event_session_uid'), type_='unique')
        batch_op.drop_column('uid')
    op.drop_table('event_day')
