"""Scratch databases for the benchmarks: dropped, created and migrated to head on the server of a URL."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import psycopg
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import make_url

from planner.extensions import db

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def sync_url(url: str, database: str) -> str:
    """A psycopg conninfo URL for database on url's server."""
    return make_url(url).set(database=database, drivername="postgresql").render_as_string(hide_password=False)


def recreate_database(url: str, name: str, make_app: Callable[[str], Flask]) -> str:
    """Drop and create database name on url's server and migrate it to head; returns its SQLAlchemy URL."""
    assert re.fullmatch(r"[a-z_]+", name)
    with psycopg.connect(sync_url(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    scratch_url = make_url(url).set(database=name).render_as_string(hide_password=False)
    with make_app(scratch_url).app_context():
        upgrade(directory=str(MIGRATIONS))
        db.engines[None].dispose()
    return scratch_url
