"""Pure geometry behind storable lines: antipodal steps, and simplification that never joins antipodes."""

import numpy as np
import pytest

from planner.geo import geometry
from planner.geo.gpx import ParsedTrack, Segment


def track_of(*lat_lons) -> ParsedTrack:
    """A one-segment track through (lat, lon) points."""
    lats, lons = zip(*lat_lons)
    segment = Segment(lats=lats, lons=lons, eles_m=(None,) * len(lats), times=(None,) * len(lats))
    return ParsedTrack(name=None, description=None, segments=[segment], waypoints=[])


class TestAntipodalSteps:
    @pytest.mark.parametrize(
        ("lons", "lats", "expected"),
        [
            ([0.0, 180.0], [0.0, 0.0], [0]),
            ([0.0, -180.0], [0.0, 0.0], [0]),
            ([5.0, 20.0, -160.0], [0.0, 10.0, -10.0], [1]),
            ([0.0, 123.0], [90.0, -90.0], [0]),
            ([180.0, -180.0], [10.0, 10.0], []),
            ([179.9, -179.9], [-17.0, -17.0], []),
            ([0.0, 10.0], [90.0, 90.0], []),
            ([20.0, -160.0], [10.0, -10.00001], []),
            ([0.0], [0.0], []),
        ],
    )
    def test_it_finds_exactly_the_opposite_neighbours(self, lons, lats, expected):
        assert geometry.antipodal_steps(lons, lats).tolist() == expected


class TestSimplifyNeverJoinsAntipodes:
    def test_a_dropped_middle_point_comes_back_between_antipodes(self):
        line = geometry.simplify(track_of((0.0, 0.0), (0.0, 90.0), (0.0, 180.0)))
        assert [(lon, lat) for lon, lat, _ in line] == [(0.0, 0.0), (90.0, 0.0), (180.0, 0.0)]

    def test_a_straight_meridian_through_both_poles_keeps_a_point_on_each_half(self):
        points = [(lat, 0.0) for lat in np.linspace(-90.0, 90.0, 19)]
        line = geometry.simplify(track_of(*points))
        lons, lats = [p[0] for p in line], [p[1] for p in line]
        assert not len(geometry.antipodal_steps(lons, lats)) and len(line) < len(points)
