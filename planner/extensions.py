"""Flask extension objects, bound to the app in create_app; imports nothing from planner."""

import time
from typing import TYPE_CHECKING

import procrastinate
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from geoalchemy2 import alembic_helpers
from sqlalchemy import Engine, MetaData, event, exc
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# A pooled connection idle longer than this is pinged before use. A database restart takes longer, so every
# connection it killed has been idle that long; a busy pool reuses its connections within milliseconds and
# pays no ping (SQLAlchemy's pool_pre_ping pings on every checkout: one more round trip per request).
IDLE_PING_S = 0.1


def ping_idle_connections(engine: Engine, idle_s: float = IDLE_PING_S) -> None:
    """Make engine's pool replace, at checkout, a connection idle over idle_s that no longer answers."""

    @event.listens_for(engine, "checkin")
    def _mark_idle(dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, proxy) -> None:
        if time.monotonic() - record.info.get("idle_since", time.monotonic()) <= idle_s:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)  # SELECT 1, leaving no transaction open
        except Exception as dropped:  # any driver error: the pool retries the checkout on a new connection
            raise exc.DisconnectionError() from dropped


# Tables that belong to PostGIS itself, never to our migrations.
POSTGIS_TABLES = frozenset({"spatial_ref_sys"})
# The job queue's tables (procrastinate's schema, applied by a migration as the library ships it).
QUEUE_TABLE_PREFIX = "procrastinate_"


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic filter: skip PostGIS's and the queue's own tables and let GeoAlchemy2 handle spatial indexes."""
    if type_ == "table" and reflected and compare_to is None:
        if name in POSTGIS_TABLES or name.startswith(QUEUE_TABLE_PREFIX):
            return False
    return alembic_helpers.include_object(obj, name, type_, reflected, compare_to)


db = SQLAlchemy(model_class=Base)
# Models subclass Model: Flask-SQLAlchemy's db.Model at run time, which type checkers see as the typed Base.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
# GeoAlchemy2's writer and renderer keep autogenerate from double-creating spatial indexes.
migrate = Migrate(
    include_object=include_object,
    process_revision_directives=alembic_helpers.writer,
    render_item=alembic_helpers.render_item,
    compare_type=True,
)
login_manager = LoginManager()
# Languages: the locale selector (planner.i18n.select_locale) is given in create_app.
babel = Babel()
csrf = CSRFProtect()
# Storage, switches and limits come from the app config (RATELIMIT_*, RATE_LIMIT_*).
limiter = Limiter(key_func=get_remote_address)
# The job queue, in the app's own PostgreSQL database. Services defer jobs by task name on the session's
# connection (planner.services.queue), so a job exists exactly when the change that caused it is committed;
# `flask worker` opens the queue's own pool and runs the tasks of planner.jobs.
queue = procrastinate.App(connector=procrastinate.SyncPsycopgConnector())
