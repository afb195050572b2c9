"""planner.services.popular: "popular near you" follows its stated formula and the visibility rules."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from geopy.distance import geodesic

from planner.extensions import db
from planner.models import Membership, Rsvp
from planner.services import popular
from tests import factories as f

HERE = (30.25, 120.15)
NOW = datetime.now(UTC).replace(microsecond=0)


def _outing(grp, starts_at: datetime, **kw):
    """An outing of grp starting at starts_at (near HERE unless lat/lon are given)."""
    return f.event(grp, starts_at=starts_at, ends_at=starts_at + timedelta(hours=3), **kw)


def _going(event, count: int) -> None:
    """count new users going to event."""
    for _ in range(count):
        db.session.add(Rsvp(event_id=event.id, user_id=f.user().id, status="going"))
    db.session.commit()


def _expected(lat: float, lon: float, going: int, starts_at: datetime) -> float:
    """The module docstring's formula, computed here independently."""
    km = geodesic(HERE, (lat, lon)).meters / 1000
    hours = (starts_at - NOW).total_seconds() / 3600
    return 0.5 * math.exp(-km / 10) + 0.3 * going / (going + 5) + 0.2 * math.exp(-hours / 72)


class TestPopularNearYou:
    def test_scores_follow_the_formula_and_order_the_list(self, ctx):
        grp = f.group(f.user())
        spots = [(30.25, 120.16, 3, 1), (30.40, 120.30, 0, 10), (30.30, 120.20, 8, 4), (30.26, 120.15, 1, 30)]
        made = []
        for lat, lon, going, days in spots:
            outing = _outing(grp, NOW + timedelta(days=days), lat=lat, lon=lon)
            _going(outing, going)
            made.append((outing.id, _expected(lat, lon, going, outing.starts_at)))
        rows = popular.near_you(*HERE, None, now=NOW)["popular"]
        scores = {row["id"]: row["score"] for row in rows}
        assert scores == pytest.approx(dict(made), rel=2e-3)
        assert [row["id"] for row in rows] == [i for i, _ in sorted(made, key=lambda m: -m[1])]

    def test_a_nearer_fuller_sooner_outing_ranks_first(self, ctx):
        grp = f.group(f.user())
        far_empty_late = _outing(grp, NOW + timedelta(days=20), lat=30.45, lon=120.35)
        near_full_soon = _outing(grp, NOW + timedelta(hours=20), lat=30.251, lon=120.151)
        _going(near_full_soon, 6)
        rows = popular.near_you(*HERE, None, now=NOW)["popular"]
        assert [row["id"] for row in rows] == [near_full_soon.id, far_empty_late.id]
        assert rows[0]["going"] == 6 and rows[0]["spots_left"] == 6

    def test_cancelled_past_and_far_outings_never_appear(self, ctx):
        grp = f.group(f.user())
        kept = _outing(grp, NOW + timedelta(days=2))
        cancelled = _outing(grp, NOW + timedelta(days=1), status="cancelled")
        past = _outing(grp, NOW - timedelta(hours=1))
        _going(cancelled, 10)
        _going(past, 10)
        f.event(grp, lat=31.5, lon=121.5)  # ~190 km away, beyond the 50 km radius
        lists = popular.near_you(*HERE, None, now=NOW)
        assert [row["id"] for row in lists["popular"]] == [kept.id]
        assert [row["id"] for row in lists["soonest"]] == [kept.id]

    def test_private_groups_outings_only_for_active_members(self, ctx):
        owner, member, pending, stranger = f.user(), f.user(), f.user(), f.user()
        secret = f.group(owner, visibility="private")
        db.session.add(Membership(group_id=secret.id, user_id=member.id, role="member", status="active"))
        db.session.add(Membership(group_id=secret.id, user_id=pending.id, role="member", status="pending"))
        db.session.commit()
        hidden = _outing(secret, NOW + timedelta(days=1))
        public = _outing(f.group(owner), NOW + timedelta(days=3))

        def seen(user) -> list[int]:
            return [row["id"] for row in popular.near_you(*HERE, user, now=NOW)["popular"]]

        assert seen(member) == [hidden.id, public.id] and seen(owner) == [hidden.id, public.id]
        assert seen(None) == [public.id] and seen(stranger) == [public.id] and seen(pending) == [public.id]

    def test_soonest_lists_by_start_time(self, ctx):
        grp = f.group(f.user())
        later = _outing(grp, NOW + timedelta(days=5), lat=30.251, lon=120.151)
        _going(later, 9)
        sooner = _outing(grp, NOW + timedelta(days=1), lat=30.4, lon=120.3)
        assert [row["id"] for row in popular.near_you(*HERE, None, now=NOW)["soonest"]] == [sooner.id, later.id]


class TestGroupsHome:
    def test_it_is_the_home_of_the_group_joined_last_and_none_without_groups(self, ctx):
        me = f.user()
        assert popular.groups_home(me) is None and popular.groups_home(None) is None
        f.group(f.user(), lat=10.0, lon=20.0, name="First")
        second = f.group(f.user(), lat=-33.9, lon=18.4, name="Second")
        db.session.add(Membership(group_id=second.id, user_id=me.id, role="member", status="active"))
        db.session.commit()
        assert popular.groups_home(me) == {"name": "Second", "lat": pytest.approx(-33.9), "lon": pytest.approx(18.4)}
