"""Small builders for test rows (services where they exist, models otherwise)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from planner.extensions import db
from planner.models import Event, Group, Membership, User
from planner.services import accounts

_seq = itertools.count(1)
PASSWORD = "correct horse battery"


def point(lat: float, lon: float) -> str:
    """EWKT for a geography point."""
    return f"SRID=4326;POINT({lon} {lat})"


def user(name: str | None = None, password: str = PASSWORD) -> User:
    """A registered user."""
    n = next(_seq)
    return accounts.register(f"user{n}@example.org", password, name or f"User {n}")


def group(owner: User, *, lat: float = 30.25, lon: float = 120.15, interest: str = "hiking", **kw) -> Group:
    """A group with owner as its owner."""
    g = Group(name=kw.pop("name", f"Group {next(_seq)}"), interest=interest, home=point(lat, lon), **kw)
    db.session.add(g)
    db.session.flush()
    db.session.add(Membership(group_id=g.id, user_id=owner.id, role="owner", status="active"))
    db.session.commit()
    return g


def event(grp: Group, *, lat: float = 30.25, lon: float = 120.15, days: int = 7, **kw) -> Event:
    """A scheduled event of grp starting in `days` days."""
    starts_at = datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)
    e = Event(
        group_id=grp.id,
        title=kw.pop("title", f"Outing {next(_seq)}"),
        starts_at=kw.pop("starts_at", starts_at),
        ends_at=kw.pop("ends_at", starts_at + timedelta(hours=5)),
        timezone=kw.pop("timezone", "Asia/Shanghai"),
        capacity=kw.pop("capacity", 12),
        activity=kw.pop("activity", "hiking"),
        start=point(lat, lon),
        **kw,
    )
    db.session.add(e)
    db.session.commit()
    return e
