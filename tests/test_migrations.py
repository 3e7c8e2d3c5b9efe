"""The schema comes from migrations: they build an empty database and match the models."""
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from eventapp.extensions import db


def test_migrations_upgrade_an_empty_database_to_head_and_match_the_models(app):
    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    upgrade()
    try:
        with db.engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names())
            assert {"events", "event_sessions", "people", "rooms", "tags"} <= tables
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, db.metadata) == []
    finally:
        downgrade(revision="base")
    with db.engine.connect() as conn:
        assert set(sa.inspect(conn).get_table_names()) <= {"alembic_version"}
