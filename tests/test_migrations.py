"""The migrations build exactly the schema the models describe, so a forgotten one fails here."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app

from forum.extensions import db


def test_migrated_schema_matches_the_models(ctx):
    # The test database was built by `flask db upgrade` (see conftest.py), not create_all().
    with db.engine.connect() as connection:
        migration = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(migration, db.metadata)
    assert differences == [], (
        "The models and the migrations disagree; run `flask db migrate -m '<what changed>'` "
        f"and review the new migration:\n{differences}")


def test_database_is_at_the_single_head_revision(ctx):
    config = current_app.extensions["migrate"].migrate.get_config()
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"migrations have branched: {heads}; merge them"
    with db.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_heads() == tuple(heads)
