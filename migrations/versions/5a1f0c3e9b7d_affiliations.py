"""affiliations: acting for an organisation is asked for, then granted

Revision ID: 5a1f0c3e9b7d
Revises: 7c3e9b14d0a2
Create Date: 2026-11-30 02:20:00

How existing accounts are migrated (the rule, since the data cannot tell more):
until now `account.organization_id` was written alike by sign-up, by the account page
(any organisation, by the account itself) and by `kb users create --organization` (an
admin), with no trace of which one did it. So:

- an account whose organisation is the one it proposed and a moderator approved (an
  approved organisation submission of that account, for a new record with that slug)
  keeps it, confirmed (granted_by "proposal": a moderator saw who proposed it);
- every other existing affiliation becomes a *claim*: `organization_id` is cleared and
  moderators confirm or decline it in the queue (/moderation/affiliations). Accounts an
  admin created with `--organization` are among them; an admin can re-grant one at once
  with `kb users affiliate EMAIL SLUG`.

Downgrade puts back, for each account, the organisation of its newest open or confirmed
affiliation (which is what the column meant before).
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "5a1f0c3e9b7d"
down_revision = "7c3e9b14d0a2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "affiliation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("granted_by", sa.String(length=32), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_affiliation_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["account.id"],
            name=op.f("fk_affiliation_decided_by_id_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_affiliation_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_affiliation")),
    )
    with op.batch_alter_table("affiliation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_affiliation_account_id"), ["account_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_affiliation_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_affiliation_state"), ["state"], unique=False)

    conn = op.get_bind()
    account = sa.table(
        "account",
        sa.column("id", sa.Integer),
        sa.column("organization_id", sa.Integer),
        sa.column("created_at", sa.DateTime),
    )
    organization = sa.table(
        "organization", sa.column("id", sa.Integer), sa.column("slug", sa.String)
    )
    submission = sa.table(
        "submission",
        sa.column("account_id", sa.Integer),
        sa.column("record_type", sa.String),
        sa.column("record_id", sa.Integer),
        sa.column("state", sa.String),
        sa.column("payload", sa.JSON),
        sa.column("updated_at", sa.DateTime),
    )
    affiliation = sa.table(
        "affiliation",
        sa.column("account_id", sa.Integer),
        sa.column("organization_id", sa.Integer),
        sa.column("state", sa.String),
        sa.column("created_at", sa.DateTime),
        sa.column("decided_at", sa.DateTime),
        sa.column("granted_by", sa.String),
    )
    rows = conn.execute(
        sa.select(
            account.c.id, account.c.organization_id, account.c.created_at, organization.c.slug
        ).join(organization, organization.c.id == account.c.organization_id)
    ).all()
    for account_id, organization_id, created_at, slug in rows:
        approved = conn.execute(
            sa.select(submission.c.payload, submission.c.updated_at).where(
                submission.c.account_id == account_id,
                submission.c.record_type == "organization",
                submission.c.record_id.is_(None),
                submission.c.state == "approved",
            )
        ).all()
        proposed = [
            at
            for payload, at in approved
            if isinstance(payload, dict) and payload.get("slug") == slug
        ]
        if proposed:
            conn.execute(
                affiliation.insert().values(
                    account_id=account_id,
                    organization_id=organization_id,
                    state="confirmed",
                    created_at=proposed[0],
                    decided_at=proposed[0],
                    granted_by="proposal",
                )
            )
            continue
        conn.execute(
            affiliation.insert().values(
                account_id=account_id,
                organization_id=organization_id,
                state="claimed",
                created_at=created_at,
                granted_by=None,
            )
        )
        conn.execute(
            account.update().where(account.c.id == account_id).values(organization_id=None)
        )


def downgrade():
    conn = op.get_bind()
    account = sa.table(
        "account", sa.column("id", sa.Integer), sa.column("organization_id", sa.Integer)
    )
    affiliation = sa.table(
        "affiliation",
        sa.column("id", sa.Integer),
        sa.column("account_id", sa.Integer),
        sa.column("organization_id", sa.Integer),
        sa.column("state", sa.String),
    )
    rows = conn.execute(
        sa.select(affiliation.c.account_id, affiliation.c.organization_id)
        .where(affiliation.c.state.in_(("claimed", "confirmed")))
        .order_by(affiliation.c.id)
    ).all()
    for account_id, organization_id in rows:  # the newest wins
        conn.execute(
            account.update()
            .where(account.c.id == account_id)
            .values(organization_id=organization_id)
        )
    with op.batch_alter_table("affiliation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_affiliation_state"))
        batch_op.drop_index(batch_op.f("ix_affiliation_organization_id"))
        batch_op.drop_index(batch_op.f("ix_affiliation_account_id"))

    op.drop_table("affiliation")
