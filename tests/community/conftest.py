"""Helpers for the community tests: bearer headers, a group with people in every role, a route."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from planner.extensions import db
from planner.geo import gpx, gpx_export
from planner.models import Membership, User
from planner.services import accounts, routes
from tests import factories

LINE_START = (30.20, 120.10)  # (lat, lon); the test route runs due north from here
LINE_STEP_DEG = 0.001
LINE_POINTS = 101


def bearer(user: User) -> dict:
    """Authorization header for user."""
    token, _ = accounts.issue_token(user, 1)
    return {"Authorization": f"Bearer {token}"}


def north_line_gpx(points: int = LINE_POINTS) -> bytes:
    """A GPX track due north from LINE_START, climbing 1 m per point."""
    lats = tuple(LINE_START[0] + i * LINE_STEP_DEG for i in range(points))
    segment = gpx.Segment(
        lats=lats,
        lons=(LINE_START[1],) * points,
        eles_m=tuple(100.0 + i for i in range(points)),
        times=(None,) * points,
    )
    return gpx_export.build_gpx("North line", [segment])


def add_member(group, user: User, role: str = "member", status: str = "active") -> None:
    """Give user a membership of group."""
    db.session.add(Membership(group_id=group.id, user_id=user.id, role=role, status=status))
    db.session.commit()


@dataclass
class Cast:
    """A group and one person in each relation to it."""

    group: object
    owner: User
    organiser: User
    member: User
    outsider: User


def make_cast(**group_kw) -> Cast:
    """A group with an owner, an organiser, a member and a non-member."""
    owner, organiser, member, outsider = (factories.user(name) for name in ("Olga", "Oren", "Mia", "Nico"))
    group = factories.group(owner, **group_kw)
    add_member(group, organiser, "organiser")
    add_member(group, member)
    return Cast(group, owner, organiser, member, outsider)


@pytest.fixture
def cast(ctx) -> Cast:
    """A public group with people in every role."""
    return make_cast()


@pytest.fixture
def private_cast(ctx) -> Cast:
    """A private group with people in every role."""
    return make_cast(visibility="private")


@pytest.fixture
def route(cast):
    """A 10 km route due north, belonging to the cast's group."""
    return routes.import_gpx(cast.owner.id, north_line_gpx(), activity="hiking", group_id=cast.group.id)
