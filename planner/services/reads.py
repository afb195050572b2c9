"""Reads straight through psycopg for the hot discovery queries: pooled, autocommit, rows as dicts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache

import psycopg
from psycopg.rows import dict_row
from sqlalchemy import text
from sqlalchemy.dialects.postgresql import psycopg as psycopg_dialect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from planner.extensions import db


@lru_cache(maxsize=128)
def driver_sql(sql: str) -> str:
    """sql with :name binds compiled once to psycopg's %(name)s style (one entry per filter combination)."""
    return str(text(sql).compile(dialect=psycopg_dialect.dialect()))


@contextmanager
def read_connection() -> Iterator[tuple[psycopg.Connection, Callable[[BaseException], None]]]:
    """(psycopg connection, invalidate) for one read-only query.

    A pooled connection in autocommit when the session is idle (no BEGIN/ROLLBACK round trips, nothing
    left open in the session, no SQLAlchemy Connection to build); the session's own connection when the
    session is already in a transaction or bound to an outside connection, so uncommitted rows are seen.
    """
    bind = db.engine  # an Engine, or the outside connection the session is joined to
    session_idle = not db.session.registry.has() or not db.session().in_transaction()
    if not (isinstance(bind, Engine) and session_idle):
        connection = db.session.connection()
        yield _driver(connection.connection.driver_connection), connection.invalidate
        return
    pooled = bind.raw_connection()
    driver = _driver(pooled.driver_connection)
    driver.autocommit = True
    try:
        yield driver, pooled.invalidate
    finally:
        if not driver.closed:
            driver.autocommit = False
        pooled.close()  # back to the pool (or away, when invalidated)


def _driver(connection: object) -> psycopg.Connection:
    """connection, checked to be the psycopg connection the engine is configured for."""
    if not isinstance(connection, psycopg.Connection):
        raise TypeError(f"planner's reads need psycopg 3, not {type(connection).__name__}")
    return connection


def rows(sql: str, params: dict, *, prepare: bool | None = None) -> list[dict]:
    """Run a read straight through psycopg, rows as dicts.

    These are the hot paths of discovery: skipping SQLAlchemy's per-statement and per-row work
    (bound parameters only, as everywhere) measurably raises throughput. prepare=False plans every run
    with its values (word searches: how selective the words are decides the plan); None lets psycopg
    prepare a statement after a few runs.
    """
    # A lost server (a restart) is what SQLAlchemy makes of it for its own statements: the dead connection
    # leaves the pool, and its OperationalError is raised, which the app answers with a 503, not a 500.
    try:
        with read_connection() as (connection, invalidate):
            try:
                with connection.cursor(row_factory=dict_row) as cursor:
                    return cursor.execute(driver_sql(sql), params, prepare=prepare).fetchall()
            except psycopg.OperationalError as dropped:
                invalidate(dropped)
                raise
    except psycopg.OperationalError as dropped:  # also from connecting, which raw_connection() leaves unwrapped
        raise OperationalError(sql, params, dropped) from dropped
