"""Pure geometry behind storable lines and meeting-point snapping: antipodal steps, simplification, snap."""

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


class TestSnap:
    def test_a_point_on_a_meridian_is_measured_geodesically(self):
        piece = np.array([[10.0, 40.0], [10.0, 40.01]])
        along_m, off_m = geometry.snap([piece], 40.005, 10.0)
        assert along_m == pytest.approx(geometry.segment_lengths_m([40.0, 40.005], [10.0, 10.0])[0], abs=0.01)
        assert off_m == pytest.approx(0.0, abs=0.01)

    def test_across_the_antimeridian_the_short_way_counts(self):
        piece = np.array([[179.99, 0.0], [-179.99, 0.0]])
        along_m, off_m = geometry.snap([piece], 0.001, 180.0)
        assert along_m == pytest.approx(1113.2, abs=0.5) and off_m == pytest.approx(110.6, abs=0.5)

    def test_pieces_before_the_nearest_count_and_gaps_do_not(self):
        first, second = np.array([[0.0, 0.0], [0.01, 0.0]]), np.array([[1.0, 0.0], [1.01, 0.0]])
        along_m, _ = geometry.snap([first, second], 0.0, 1.005)
        first_m, into_second_m = geometry.segment_lengths_m([0.0, 0.0, 0.0, 0.0], [0.0, 0.01, 1.0, 1.005])[[0, 2]]
        assert along_m == pytest.approx(first_m + into_second_m, abs=0.01)
