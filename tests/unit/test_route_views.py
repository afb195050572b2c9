"""Tests for the route map's text alternative and the profile samples placed on the visible line."""

from __future__ import annotations

import pytest

from planner.geo import gpx
from planner.services.routes import _profile_points
from planner.web.route_views import route_summary


def track(*pieces: list[tuple[float, float]]) -> gpx.ParsedTrack:
    """A track of (lat, lon) pieces without elevation or times."""
    segments = [
        gpx.Segment(
            lats=tuple(p[0] for p in piece),
            lons=tuple(p[1] for p in piece),
            eles_m=(None,) * len(piece),
            times=(None,) * len(piece),
        )
        for piece in pieces
    ]
    return gpx.ParsedTrack(name=None, description=None, segments=segments, waypoints=[])


class TestProfilePoints:
    def test_samples_follow_the_line_at_their_share_of_its_length(self):
        line = track([(46.0, 7.0), (46.01, 7.0), (46.02, 7.0)])
        points = _profile_points(line, [(0.0, 100.0), (1100.0, 150.0), (2200.0, 120.0)])
        assert [(d, ele) for d, _, _, ele in points] == [(0.0, 100.0), (1100.0, 150.0), (2200.0, 120.0)]
        assert [round(lat, 4) for _, lat, _, _ in points] == [46.0, 46.01, 46.02]

    def test_no_sample_lands_in_the_hidden_gap_between_pieces(self):
        line = track([(46.0, 7.0), (46.01, 7.0)], [(46.05, 7.0), (46.06, 7.0)])
        profile = [(float(d), 100.0) for d in range(0, 2224, 50)]
        for _, lat, _, _ in _profile_points(line, profile):
            assert 46.0 <= lat <= 46.01 + 1e-9 or 46.05 - 1e-9 <= lat <= 46.06

    def test_no_profile_or_no_line_gives_no_samples(self):
        assert _profile_points(track([(46.0, 7.0), (46.01, 7.0)]), []) == []
        assert _profile_points(track(), [(0.0, 1.0)]) == []


class TestRouteSummary:
    def data(self, pieces, waypoints=()):
        """map_data()-like input: pieces of (lon, lat, ele) and waypoint names."""
        return {"lines": pieces, "waypoints": [{"name": name} for name in waypoints]}

    def test_a_loop_says_it_finishes_at_the_start(self):
        loop = [(7.0, 46.0, None), (7.01, 46.01, None), (7.0, 46.0005, None)]
        lines = route_summary(self.data([loop], ["Spring"]))
        assert lines[0] == "Start: 46.00000, 7.00000"
        assert lines[1].startswith("Finish: back at the start")
        assert lines[2].startswith("Distance on the map: ") and lines[2].endswith(" km")
        assert lines[3] == "Waypoints: Spring"

    def test_a_one_way_route_gives_both_ends_and_its_pieces(self):
        pieces = [[(7.0, 46.0, None), (7.0, 46.01, None)], [(7.0, 46.02, None), (7.0, 46.03, None)]]
        lines = route_summary(self.data(pieces))
        assert lines[1] == "Finish: 46.03000, 7.00000"
        assert lines[2] == "Distance on the map: 2.2 km in 2 pieces"
        assert lines[3] == "No waypoints"

    @pytest.mark.parametrize("count, tail", [(5, "e"), (8, "e and 3 more")])
    def test_it_names_a_few_waypoints_and_counts_the_rest(self, count, tail):
        line = [(7.0, 46.0, None), (7.0, 46.01, None)]
        lines = route_summary(self.data([line], "abcdefgh"[:count]))
        assert lines[3] == "Waypoints: a, b, c, d, " + tail
