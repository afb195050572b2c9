"""PostGIS discovery queries (planner.services.search) against geopy's geodesic distances."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

import pytest
from geopy.distance import geodesic
from sqlalchemy import text

from planner.extensions import db
from planner.models import Membership, Rsvp
from planner.schemas.discovery import BBox
from planner.services import search
from planner.services.search import EventFilters
from tests import factories as f
from tests.discovery.helpers import events_at, route

UPCOMING = EventFilters(starts_from=datetime.now(UTC))
# Ordinary places, near the antimeridian on both sides, and near both poles.
CENTRES = [(30.25, 120.15), (-33.9, 18.4), (0.2, 179.95), (-16.5, -179.9), (89.6, 10.0), (-89.7, -120.0)]


def _scatter(rng: random.Random, lat: float, lon: float, count: int, max_m: float) -> list[tuple[float, float]]:
    """Random points up to max_m from (lat, lon), by geodesic destination."""
    points = []
    for _ in range(count):
        spot = geodesic(meters=rng.uniform(0, max_m)).destination((lat, lon), rng.uniform(0, 360))
        points.append((spot.latitude, spot.longitude))
    return points


def _assert_nearest_first_by_geodesic(rows: list[dict], here: tuple[float, float]) -> None:
    """distance_m within 0.1 % of geopy's geodesic, and the list ordered by it (near-ties within 0.1 % aside)."""
    expected = [geodesic(here, (r["lat"], r["lon"])).meters for r in rows]
    for row, metres in zip(rows, expected):
        assert row["distance_m"] == pytest.approx(metres, rel=1e-3, abs=0.01)
    for nearer, farther in zip(expected, expected[1:]):
        assert nearer <= farther * 1.001 + 0.01


class TestEventsNearby:
    @pytest.mark.parametrize("centre", CENTRES, ids=[f"{lat},{lon}" for lat, lon in CENTRES])
    def test_it_orders_by_spheroidal_distance_like_geopy(self, ctx, centre):
        rng = random.Random(f"{centre}")
        grp = f.group(f.user())
        events_at(grp.id, _scatter(rng, *centre, count=60, max_m=80_000))
        rows = search.events_nearby(*centre, 50_000, UPCOMING, limit=100)
        _assert_nearest_first_by_geodesic(rows, centre)
        inside = {i for i, r in enumerate(rows) if geodesic(centre, (r["lat"], r["lon"])).meters <= 50_000 * 0.999}
        assert len(inside) >= len(rows) - 1 and all(r["distance_m"] <= 50_000 for r in rows)

    def test_it_finds_every_event_inside_the_radius_and_none_outside(self, ctx):
        rng = random.Random(7)
        grp = f.group(f.user())
        here = (0.1, -179.99)
        points = _scatter(rng, *here, count=80, max_m=30_000)
        events_at(grp.id, points)
        rows = search.events_nearby(*here, 20_000, UPCOMING, limit=100)
        expected = {p for p in points if geodesic(here, p).meters < 20_000 * 0.999}
        found = {(round(r["lat"], 9), round(r["lon"], 9)) for r in rows}
        assert {(round(a, 9), round(b, 9)) for a, b in expected} <= found
        assert len(found) <= len([p for p in points if geodesic(here, p).meters <= 20_000 * 1.001])

    @pytest.mark.parametrize("centre", CENTRES, ids=[f"{lat},{lon}" for lat, lon in CENTRES])
    def test_each_page_is_exactly_the_spheroidal_order(self, ctx, centre):
        # Small pages: the bound from the first step is far inside the radius (and its box crosses the
        # antimeridian or holds a pole for the centres there); a large page: fewer events than asked.
        rng = random.Random(f"exact {centre}")
        grp = f.group(f.user())
        events_at(grp.id, _scatter(rng, *centre, count=300, max_m=80_000))
        events_at(grp.id, _scatter(rng, *centre, count=40, max_m=80_000), status="cancelled")
        lat, lon = centre
        expected = [
            row.id
            for row in db.session.execute(
                text(f"""
            SELECT e.id FROM events e WHERE e.status = 'scheduled'
              AND ST_DWithin(e.start, {search.HERE}, 50000)
            ORDER BY ST_Distance(e.start, {search.HERE}), e.id"""),
                {"lat": lat, "lon": lon},
            )
        ]
        for limit, offset in [(5, 0), (5, 7), (20, 40), (500, 0)]:
            rows = search.events_nearby(lat, lon, 50_000, UPCOMING, limit=limit, offset=offset)
            assert [r["id"] for r in rows] == expected[offset : offset + limit]

    def test_it_pages_without_gaps_or_repeats(self, ctx):
        grp = f.group(f.user())
        events_at(grp.id, [(30.0 + i * 0.001, 120.0) for i in range(25)])
        first = search.events_nearby(30.0, 120.0, 10_000, UPCOMING, limit=10)
        second = search.events_nearby(30.0, 120.0, 10_000, UPCOMING, limit=10, offset=10)
        distances = [r["distance_m"] for r in first + second]
        assert distances == sorted(distances) and len({r["id"] for r in first + second}) == 20

    def test_it_hides_cancelled_past_and_private_group_events(self, ctx):
        owner = f.user()
        public, private = f.group(owner), f.group(owner, visibility="private")
        (shown,) = events_at(public.id, [(30.0, 120.0)])
        events_at(public.id, [(30.0, 120.0)], status="cancelled")
        events_at(public.id, [(30.0, 120.0)], days=-3)
        events_at(private.id, [(30.0, 120.0)])
        assert [r["id"] for r in search.events_nearby(30.0, 120.0, 1000, UPCOMING)] == [shown]

    def test_it_filters_by_date_range_activity_and_difficulty(self, ctx):
        grp = f.group(f.user())
        (past,) = events_at(grp.id, [(30.0, 120.0)], days=-3)
        (soon,) = events_at(grp.id, [(30.0, 120.0)], days=2, activity="cycling", difficulty="hard")
        events_at(grp.id, [(30.0, 120.0)], days=20)
        now = datetime.now(UTC)
        window = EventFilters(starts_from=now - timedelta(days=5), starts_to=now + timedelta(days=5))
        assert {r["id"] for r in search.events_nearby(30.0, 120.0, 1000, window)} == {past, soon}
        cycling = EventFilters(starts_from=now, activity="cycling", difficulty="hard")
        assert [r["id"] for r in search.events_nearby(30.0, 120.0, 1000, cycling)] == [soon]

    def test_it_filters_by_spots_left_and_route_length(self, ctx):
        owner = f.user()
        grp = f.group(owner)
        long_route = route(owner.id, [(30.0, 120.0), (30.0, 120.2)])  # about 19 km
        (full,) = events_at(grp.id, [(30.0, 120.0)], capacity=1)
        (open_long,) = events_at(grp.id, [(30.0, 120.0)], route_id=long_route)
        db.session.add(Rsvp(event_id=full, user_id=owner.id, status="going"))
        db.session.flush()
        now = datetime.now(UTC)
        assert [
            r["id"] for r in search.events_nearby(30.0, 120.0, 1000, EventFilters(starts_from=now, has_spots=True))
        ] == [open_long]
        by_length = EventFilters(starts_from=now, min_length_m=15_000, max_length_m=25_000)
        assert [r["id"] for r in search.events_nearby(30.0, 120.0, 1000, by_length)] == [open_long]
        assert search.events_nearby(30.0, 120.0, 1000, EventFilters(starts_from=now, max_length_m=5_000)) == []

    def test_outside_a_transaction_it_reads_without_opening_a_session(self, app):
        with app.app_context():
            assert isinstance(search.events_nearby(30.0, 120.0, 1000, UPCOMING), list)
            assert not db.session.registry.has()
            assert db.engines[None].pool.checkedout() == 0


class TestGroupsNearby:
    def test_it_lists_public_groups_nearest_first_with_active_member_count(self, ctx):
        owner, joiner, waiting = f.user(), f.user(), f.user()
        far = f.group(owner, lat=30.1, lon=120.0)
        near = f.group(owner, lat=30.01, lon=120.0, interest="cycling")
        f.group(owner, lat=30.0, lon=120.0, visibility="private")
        db.session.add_all(
            [
                Membership(group_id=near.id, user_id=joiner.id, status="active"),
                Membership(group_id=near.id, user_id=waiting.id, status="pending"),
            ]
        )
        db.session.flush()
        rows = search.groups_nearby(30.0, 120.0, 50_000)
        assert [r["id"] for r in rows] == [near.id, far.id]
        assert rows[0]["member_count"] == 2
        _assert_nearest_first_by_geodesic(rows, (30.0, 120.0))
        assert [r["id"] for r in search.groups_nearby(30.0, 120.0, 50_000, interest="cycling")] == [near.id]


def _densified(coords: list[tuple[float, float]], per_segment: int = 200) -> list[tuple[float, float]]:
    """Points every 1/per_segment of each segment (the segments are short, so lat/lon interpolation is fine)."""
    points = []
    for (lat1, lon1), (lat2, lon2) in zip(coords, coords[1:]):
        points += [
            (lat1 + (lat2 - lat1) * k / per_segment, lon1 + (lon2 - lon1) * k / per_segment) for k in range(per_segment)
        ]
    return points + [coords[-1]]


def _closest_approach(coords, here) -> tuple[float, float]:
    """(distance_m, along_m) from here to the densified line, by geopy geodesics."""
    points = _densified(coords)
    distances = [geodesic(here, p).meters for p in points]
    best = min(range(len(points)), key=distances.__getitem__)
    along_m = sum(geodesic(a, b).meters for a, b in zip(points[:best], points[1 : best + 1]))
    return distances[best], along_m


class TestRoutesNearby:
    def test_it_matches_by_the_line_not_the_start(self, ctx):
        owner = f.user()
        coords = [(30.0, 120.0 + i * 0.01) for i in range(51)]  # 48 km east along the parallel
        route_id = route(owner.id, coords)
        here = (30.009, 120.3)  # 1 km north of the line, 29 km from its start
        (row,) = search.routes_nearby(*here, 2000)
        distance_m, along_m = _closest_approach(coords, here)
        assert row["id"] == route_id
        assert row["distance_m"] == pytest.approx(distance_m, rel=1e-3)
        assert row["along_m"] == pytest.approx(along_m, rel=1e-3)
        assert search.routes_nearby(*here, 500) == []

    @pytest.mark.parametrize("start", [(60.0, 10.0), (-45.0, -70.0), (0.0, 179.0)])
    def test_along_m_agrees_with_geodesic_on_a_diagonal_line(self, ctx, start):
        lat0, lon0 = start
        coords = [(lat0 + i * 0.004, lon0 + i * 0.006) for i in range(60)]
        route(f.user().id, coords)
        here = (lat0 + 0.13, lon0 + 0.17)
        (row,) = search.routes_nearby(*here, 5000)
        distance_m, along_m = _closest_approach(coords, here)
        assert row["distance_m"] == pytest.approx(distance_m, rel=1e-3)
        assert row["along_m"] == pytest.approx(along_m, rel=2e-3, abs=10)

    @pytest.mark.parametrize("centre", [(30.25, 120.15), (0.2, 179.95), (-62.0, -58.0)])
    def test_each_page_is_exactly_the_spheroidal_order_of_the_lines(self, ctx, centre):
        # Routes heading straight away from the centre (their start is their nearest point, so the k-th
        # nearest start is exactly the k-th nearest line and any smaller bound drops a route that belongs
        # on the page) and a few long ones starting far away but passing close.
        rng = random.Random(f"routes {centre}")
        lat0, lon0 = centre
        owner = f.user()
        for _ in range(60):
            heading, away = rng.uniform(0, 2 * math.pi), rng.uniform(0.005, 0.06)
            coords = [
                (lat0 + (away + i * 0.002) * math.cos(heading), lon0 + (away + i * 0.002) * math.sin(heading))
                for i in range(30)
            ]
            route(owner.id, [(la, (lo + 180) % 360 - 180) for la, lo in coords])
        for k in range(6):
            start = (lat0 - 0.3 + k * 0.01, lon0 - 0.3)
            route(owner.id, [start, (lat0 + 0.001 * k, lon0), (lat0 + 0.3, lon0 + 0.3)])
        expected = [
            row.id
            for row in db.session.execute(
                text(f"""
            SELECT r.id FROM routes r WHERE ST_DWithin(r.line, {search.HERE}, 8000)
            ORDER BY ST_Distance(r.line, {search.HERE}), r.id"""),
                {"lat": lat0, "lon": lon0},
            )
        ]
        assert len(expected) > 30
        for limit, offset in [(5, 0), (5, 5), (10, 20), (100, 0)]:
            rows = search.routes_nearby(lat0, lon0, 8000, limit=limit, offset=offset)
            assert [r["id"] for r in rows] == expected[offset : offset + limit]

    def test_it_hides_routes_of_private_groups_and_orders_nearest_first(self, ctx):
        owner = f.user()
        private = f.group(owner, visibility="private")
        public = f.group(owner)
        far = route(owner.id, [(30.02, 120.0), (30.02, 120.1)], group_id=public.id)
        near = route(owner.id, [(30.01, 120.0), (30.01, 120.1)])
        route(owner.id, [(30.0, 120.0), (30.0, 120.1)], group_id=private.id)
        rows = search.routes_nearby(30.0, 120.05, 5000)
        assert [r["id"] for r in rows] == [near, far]
        assert [r["id"] for r in search.routes_nearby(30.0, 120.05, 5000, activity="cycling")] == []


class TestEventsInBbox:
    def test_a_box_across_the_antimeridian_holds_both_sides(self, ctx):
        grp = f.group(f.user())
        east, west, _, _ = events_at(grp.id, [(0.5, 179.5), (-0.5, -179.5), (0.5, 0.0), (3.0, 179.5)])
        result = search.events_in_bbox(BBox(179.0, -1.0, -179.0, 1.0), UPCOMING)
        assert not result["clustered"]
        assert {e["id"] for e in result["events"]} == {east, west}

    def test_it_keeps_exactly_the_events_inside_a_plain_box(self, ctx):
        grp = f.group(f.user())
        inside = events_at(grp.id, [(10.0, 10.0), (10.99, 10.99), (10.5, 10.01)])
        events_at(grp.id, [(11.01, 10.5), (10.5, 9.99), (-10.5, 10.5)])
        result = search.events_in_bbox(BBox(10.0, 10.0, 11.0, 11.0), UPCOMING)
        assert sorted(e["id"] for e in result["events"]) == sorted(inside)

    def test_it_clusters_on_a_grid_above_the_plain_cap(self, ctx):
        grp = f.group(f.user())
        count = search.MAX_PLAIN_FEATURES + 1
        events_at(grp.id, [(50.0 + i * 0.08 / count, 7.5 + i % 4) for i in range(count)])
        result = search.events_in_bbox(BBox(7.0, 49.0, 11.0, 51.0), UPCOMING, zoom=8)
        assert result["clustered"]
        assert sum(c["count"] for c in result["clusters"]) == count
        assert sorted(round(c["lon"], 6) for c in result["clusters"]) == [7.5, 8.5, 9.5, 10.5]
        assert all(c["lat"] == pytest.approx(50.04, abs=0.001) for c in result["clusters"])


class TestCellSizeDeg:
    def test_it_follows_the_zoom_but_caps_the_cells_across(self):
        box = BBox(0.0, 0.0, 10.0, 5.0)
        assert search.cell_size_deg(box, 12) == pytest.approx(10.0 / search.MAX_CELLS_ACROSS)
        assert search.cell_size_deg(box, 2) == pytest.approx(360 / 4 / 4)
        assert search.cell_size_deg(box, None) == pytest.approx(10.0 / search.MAX_CELLS_ACROSS)


class TestCoveringCircle:
    @pytest.mark.parametrize("box", [BBox(10, 40, 12, 42), BBox(170, -60, -170, -50), BBox(-30, 70, 60, 89)])
    def test_it_covers_every_point_of_the_box(self, box):
        lat_c, lon_c, radius_m = search.covering_circle(box)
        rng = random.Random(1)
        for _ in range(300):
            lat = rng.uniform(box.min_lat, box.max_lat)
            lon = (box.min_lon + rng.uniform(0, box.lon_span_deg) + 180) % 360 - 180
            assert geodesic((lat_c, lon_c), (lat, lon)).meters <= radius_m

    def test_a_hemisphere_wide_box_has_no_circle(self):
        assert search.covering_circle(BBox(-180, -80, 180, 80)) is None
