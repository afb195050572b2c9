"""Fixtures on a real PostGIS: the schema is built once from the migrations, each test runs in a rolled-back transaction."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import g, request_started
from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, text

from planner import create_app
from planner.extensions import db

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = str(ROOT / "migrations")


def database_url_for(suffix: str = "") -> str:
    """The URL of this run's test database: TEST_DATABASE_URL (or DATABASE_URL's database + '_test') + pid + suffix.

    The process id keeps concurrent runs from dropping each other's database.
    """
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        base = os.environ.get("DATABASE_URL")
        if not base:
            pytest.exit("Set TEST_DATABASE_URL or DATABASE_URL to a PostGIS server (`make test` does).", 2)
        parsed = make_url(base)
        url = parsed.set(database=f"{parsed.database}_test").render_as_string(hide_password=False)
    parsed = make_url(url)
    name = "_".join(part for part in (parsed.database, str(os.getpid()), suffix) if part)
    return parsed.set(database=name).render_as_string(hide_password=False)


def _admin(url: str, *statements: str) -> None:
    """Run statements with AUTOCOMMIT on the server's postgres database."""
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for statement in statements:
            conn.execute(text(statement))
    admin.dispose()


def _name(url: str) -> str:
    """The database name of url, checked to be a plain identifier."""
    name = make_url(url).database
    assert name and re.fullmatch(r"[A-Za-z0-9_]+", name), name
    return name


def recreate_database(url: str) -> None:
    """Drop and create the database of url."""
    _admin(url, f'DROP DATABASE IF EXISTS "{_name(url)}" WITH (FORCE)', f'CREATE DATABASE "{_name(url)}"')


def drop_database(url: str) -> None:
    """Drop the database of url."""
    _admin(url, f'DROP DATABASE IF EXISTS "{_name(url)}" WITH (FORCE)')


def make_app(url: str, **config):
    """An app for tests on the database at url."""
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "test-secret",
            "GEOCODER_URL": "",
            "TILES_URL": "",
            "RATELIMIT_ENABLED": False,
            "SMTP_HOST": "",
            "MAIL_DIR": tempfile.mkdtemp(prefix="planner-mail-"),
            **config,
        }
    )


def _forget_the_cached_user(sender, **extra) -> None:
    """Drop Flask-Login's user cached in flask.g: the test's app context, and so g, outlives each request."""
    g.pop("_login_user", None)


@pytest.fixture(scope="session")
def app():
    """The app on a fresh test database migrated to head."""
    url = database_url_for()
    recreate_database(url)
    app = make_app(url)
    request_started.connect(_forget_the_cached_user, app)  # each request is whoever its client's cookie says
    with app.app_context():
        upgrade(directory=MIGRATIONS)
    yield app
    with app.app_context():
        db.engines[None].dispose()
    drop_database(url)


@contextmanager
def rolled_back_connection(app) -> Iterator:
    """One connection in an outer transaction, rolled back at the end; every session joins it via savepoints."""
    with app.app_context():
        engine = db.engines[None]
        conn = engine.connect()
        outer = conn.begin()
        engines = db._app_engines[app]  # Flask-SQLAlchemy 3.1 ignores a session bound to a connection
        saved = dict(engines)
        for key in engines:
            engines[key] = conn
        db.session.remove()
        db.session.configure(join_transaction_mode="create_savepoint")
        try:
            yield conn
        finally:
            db.session.remove()
            engines.update(saved)
            outer.rollback()
            conn.close()


@pytest.fixture
def db_conn(app):
    """The test's connection: its writes, even those a request commits, are rolled back after the test."""
    with rolled_back_connection(app) as conn:
        yield conn


@pytest.fixture
def client(app, db_conn):
    """A test client whose requests share the test's rolled-back transaction."""
    return app.test_client()


@pytest.fixture
def runner(app, db_conn):
    """A CLI runner for flask commands inside the test's transaction."""
    return app.test_cli_runner()


@pytest.fixture
def ctx(app, db_conn):
    """An app context for tests that call services directly."""
    with app.app_context():
        yield
