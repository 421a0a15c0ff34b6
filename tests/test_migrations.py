"""The migrations build exactly the schema the models describe, on this run's backend."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from kb.extensions import db
from kb.models.base import render_item


def test_migrations_match_the_models(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "render_item": render_item}
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_kb_db_upgrade_is_idempotent(runner):
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
