"""Meeting points snap by true distance: switchbacks at 0°, 40° and 60° and a route across the antimeridian, against
a geodesic oracle that samples every leg densely."""

import math

import numpy as np
import pytest
from pyproj import Geod

from planner.services import meeting_points, routes
from tests import factories
from tests.routes.gpxdocs import gpx_doc

GEOD = Geod(ellps="WGS84")
SAMPLE_SPACING_M = 0.05
# A hairpin in local metres (east, north): east along leg 1, then back up steeply to the north-west. The point sits
# inside the bend, ~38 m above leg 1 and ~33 m beside leg 2, so on the ground leg 2 is nearer; in planar degrees
# leg 2's east-west offset counts 1/cos(latitude) times too much.
HAIRPIN_M = ((0.0, 0.0), (200.0, 0.0), (100.0, 400.0), (300.0, 450.0))
INSIDE_THE_BEND_M = (156.5, 38.0)


def local_to_lat_lon(origin: tuple[float, float], east_m: float, north_m: float) -> tuple[float, float]:
    """(lat, lon) of the point east_m, north_m from origin, along the geodesic in that direction."""
    azimuth = math.degrees(math.atan2(east_m, north_m))
    lon, lat, _ = GEOD.fwd(origin[1], origin[0], azimuth, math.hypot(east_m, north_m))
    return lat, lon


def oracle(vertices: list[tuple[float, float]], lat: float, lon: float) -> tuple[float, float]:
    """(along_m, off_route_m) of the nearest of points sampled every SAMPLE_SPACING_M along each geodesic leg."""
    best_along_m, best_off_m, before_m = 0.0, math.inf, 0.0
    for (lat1, lon1), (lat2, lon2) in zip(vertices, vertices[1:]):
        azimuth, _, leg_m = GEOD.inv(lon1, lat1, lon2, lat2)
        into_m = np.linspace(0.0, leg_m, int(leg_m / SAMPLE_SPACING_M) + 2)
        ones = np.ones_like(into_m)
        lons, lats, _ = GEOD.fwd(lon1 * ones, lat1 * ones, azimuth * ones, into_m)
        _, _, off_m = GEOD.inv(lon * ones, lat * ones, lons, lats)
        nearest = int(np.argmin(off_m))
        if off_m[nearest] < best_off_m:
            best_along_m, best_off_m = before_m + into_m[nearest], float(off_m[nearest])
        before_m += leg_m
    return best_along_m, best_off_m


def outing_on(cast, vertices):
    """An outing of the cast's group on a route through the (lat, lon) vertices."""
    data = gpx_doc([(lat, lon, 100.0) for lat, lon in vertices])
    route = routes.import_gpx(cast.owner.id, data, activity="hiking", group_id=cast.group.id)
    return factories.event(cast.group, lat=vertices[0][0], lon=vertices[0][1], route_id=route.id)


class TestSnapByTrueDistance:
    @pytest.mark.parametrize("latitude", [0.0, 40.0, 60.0])
    def test_a_point_inside_a_switchback_snaps_to_the_nearer_leg(self, cast, latitude):
        origin = (latitude, 10.0)
        vertices = [local_to_lat_lon(origin, *xy) for xy in HAIRPIN_M]
        lat, lon = local_to_lat_lon(origin, *INSIDE_THE_BEND_M)
        expected_along_m, expected_off_m = oracle(vertices, lat, lon)
        assert expected_along_m > 200.0  # the oracle agrees the point belongs to the second leg
        point = meeting_points.add(
            outing_on(cast, vertices).id, cast.organiser, {"name": "Bend", "lat": lat, "lon": lon}
        )
        assert point.along_m == pytest.approx(expected_along_m, abs=1.0)
        assert point.off_route_m == pytest.approx(expected_off_m, abs=0.5)

    def test_a_point_by_a_route_across_the_antimeridian_is_measured_the_short_way(self, cast):
        vertices = [(-17.0, 179.95), (-17.0, 179.99), (-17.01, -179.98), (-17.02, -179.9)]
        lat, lon = -17.003, -179.99
        expected_along_m, expected_off_m = oracle(vertices, lat, lon)
        point = meeting_points.add(
            outing_on(cast, vertices).id, cast.organiser, {"name": "Reef", "lat": lat, "lon": lon}
        )
        assert point.along_m == pytest.approx(expected_along_m, abs=1.0)
        assert point.off_route_m == pytest.approx(expected_off_m, abs=0.5)

    def test_points_snap_in_order_along_a_switchback_at_60_degrees(self, cast):
        origin = (60.0, 25.0)
        vertices = [local_to_lat_lon(origin, *xy) for xy in HAIRPIN_M]
        outing = outing_on(cast, vertices)
        for name, xy in [("Inside", INSIDE_THE_BEND_M), ("Below", (180.0, -20.0)), ("Top", (200.0, 440.0))]:
            lat, lon = local_to_lat_lon(origin, *xy)
            meeting_points.add(outing.id, cast.organiser, {"name": name, "lat": lat, "lon": lon})
        assert [p.name for p in meeting_points.ordered(outing.id)] == ["Below", "Inside", "Top"]
