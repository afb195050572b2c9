"""One Alembic history builds the whole schema from an empty database, both ways, and matches the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from planner.extensions import db
from tests.conftest import MIGRATIONS, database_url_for, drop_database, make_app, recreate_database

TABLES = {"users", "api_tokens", "groups", "memberships", "routes", "events", "rsvps", "meeting_points", "posts"}


@pytest.fixture(scope="module")
def scratch_app():
    url = database_url_for("migrations")
    recreate_database(url)
    app = make_app(url)
    yield app
    with app.app_context():
        db.engine.dispose()
    drop_database(url)


def _tables(app) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names())


class TestMigrations:
    def test_upgrade_downgrade_upgrade(self, scratch_app):
        with scratch_app.app_context():
            upgrade(directory=MIGRATIONS)
            assert TABLES <= _tables(scratch_app)
            downgrade(directory=MIGRATIONS, revision="base")
            assert _tables(scratch_app) <= {"alembic_version"}
            with db.engine.connect() as conn:
                assert conn.scalar(text("SELECT count(*) FROM pg_extension WHERE extname = 'postgis'")) == 0
            upgrade(directory=MIGRATIONS)
            assert TABLES <= _tables(scratch_app)

    def test_models_and_migrations_agree(self, scratch_app):
        with scratch_app.app_context():
            upgrade(directory=MIGRATIONS)
            with db.engine.connect() as conn:
                context = MigrationContext.configure(conn, opts=scratch_app.extensions["migrate"].configure_args)
                diff = compare_metadata(context, db.metadata)
        assert diff == []

    def test_spatial_columns_have_gist_indexes(self, scratch_app):
        with scratch_app.app_context():
            upgrade(directory=MIGRATIONS)
            with db.engine.connect() as conn:
                rows = conn.execute(
                    text("SELECT tablename, indexdef FROM pg_indexes WHERE indexdef LIKE '%USING gist%'")
                ).all()
        indexed = {(t, d.split("(")[-1].rstrip(")")) for t, d in rows}
        for table, column in [
            ("groups", "home"),
            ("events", "start"),
            ("routes", "line"),
            ("routes", "start_point"),
            ("meeting_points", "point"),
        ]:
            assert (table, column) in indexed
