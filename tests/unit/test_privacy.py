"""Privacy cuts: drawn around the zone but not on it; redaction keeps exactly what lies outside every cut."""

import random
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from planner.geo import privacy
from planner.geo.geometry import GEOD
from planner.geo.gpx import ParsedTrack, Segment, Waypoint

HOME = (47.37, 8.54)


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(GEOD.inv(a[1], a[0], b[1], b[0])[2])


def track(points, times=None, waypoints=()) -> ParsedTrack:
    lats, lons, eles = zip(*points)
    times = times or (None,) * len(points)
    return ParsedTrack(
        name="t", description=None, segments=[Segment(lats, lons, eles, tuple(times))], waypoints=list(waypoints)
    )


def east_line(lat: float, lon: float, n: int, step_deg: float = 0.0005, start_ele: float = 400.0) -> list:
    return [(lat, lon + i * step_deg, start_ele + i) for i in range(n)]


class TestDrawCut:
    @pytest.mark.parametrize("radius_m", [200, 500, 1000])
    def test_the_cut_holds_the_whole_zone_but_is_centred_well_away_from_it(self, radius_m):
        rng = random.Random(radius_m)
        for _ in range(200):
            cut = privacy.draw_cut(*HOME, radius_m, rng)
            offset_m = distance_m(HOME, (cut.lat, cut.lon))
            assert 2.7 * radius_m - 1 <= offset_m <= 3.0 * radius_m + 1
            assert cut.radius_m - offset_m >= 1.2 * radius_m - 1  # the zone's far edge is well inside

    def test_each_zone_gets_its_own_random_cut(self):
        cuts = {privacy.draw_cut(*HOME, 500) for _ in range(20)}
        assert len(cuts) == 20


class TestRedact:
    CUT = privacy.Cut(lat=47.37, lon=8.55, radius_m=300.0)

    def test_a_track_far_from_every_cut_is_returned_unchanged(self):
        original = track(east_line(46.0, 8.0, 50))
        assert privacy.redact(original, [self.CUT]) == original

    def test_the_part_inside_is_cut_and_the_pieces_end_on_the_cut_edge(self):
        visible = privacy.redact(track(east_line(47.37, 8.53, 60)), [self.CUT])
        assert len(visible.segments) == 2
        for segment in visible.segments:
            d = np.array([distance_m((self.CUT.lat, self.CUT.lon), p) for p in zip(segment.lats, segment.lons)])
            assert (d >= self.CUT.radius_m - 0.01).all()
        first_end = (visible.segments[0].lats[-1], visible.segments[0].lons[-1])
        second_start = (visible.segments[1].lats[0], visible.segments[1].lons[0])
        for end in (first_end, second_start):
            assert distance_m((self.CUT.lat, self.CUT.lon), end) == pytest.approx(self.CUT.radius_m, abs=0.05)

    def test_elevations_and_times_are_interpolated_at_the_crossing(self):
        t0 = datetime(2026, 5, 1, 8, tzinfo=UTC)
        points = east_line(47.37, 8.53, 60)
        times = [t0 + timedelta(seconds=10 * i) for i in range(60)]
        visible = privacy.redact(track(points, times), [self.CUT])
        end = visible.segments[0]
        assert points[0][2] < end.eles_m[-1] < points[-1][2]
        assert times[0] < end.times[-1] < times[-1]
        assert end.eles_m[-2] <= end.eles_m[-1] <= end.eles_m[-2] + 1.0

    def test_a_long_step_across_the_cut_is_split_so_nothing_inside_shows(self):
        sparse = track([(47.37, 8.50, 0.0), (47.37, 8.60, 0.0)])  # 7.5 km, straight through the cut
        visible = privacy.redact(sparse, [self.CUT])
        assert len(visible.segments) == 2
        for segment in visible.segments:
            for point in zip(segment.lats, segment.lons):
                assert distance_m((self.CUT.lat, self.CUT.lon), point) >= self.CUT.radius_m - 0.01

    def test_a_track_wholly_inside_leaves_nothing(self):
        inside = track([(47.37, 8.549, 0.0), (47.3705, 8.5495, 0.0), (47.371, 8.55, 0.0)])
        assert privacy.redact(inside, [self.CUT]).segments == []

    def test_waypoints_inside_are_dropped(self):
        home = Waypoint(lat=47.37, lon=8.55, ele_m=None, name="Home", description=None)
        summit = Waypoint(lat=47.40, lon=8.60, ele_m=None, name="Summit", description=None)
        visible = privacy.redact(track(east_line(46.0, 8.0, 5), waypoints=[home, summit]), [self.CUT])
        assert [w.name for w in visible.waypoints] == ["Summit"]

    def test_a_cut_on_the_antimeridian_cuts_both_sides(self):
        cut = privacy.Cut(lat=-16.5, lon=180.0, radius_m=2000.0)
        line = [(-16.5, 179.95 + i * 0.005, 0.0) for i in range(20)]  # 179.95 .. -179.955
        line = [(lat, (lon + 180) % 360 - 180, ele) for lat, lon, ele in line]
        visible = privacy.redact(track(line), [cut])
        for segment in visible.segments:
            for point in zip(segment.lats, segment.lons):
                assert distance_m((cut.lat, cut.lon), point) >= cut.radius_m - 0.01
        assert len(visible.segments) == 2

    def test_several_cuts_each_remove_their_part(self):
        second = privacy.Cut(lat=47.37, lon=8.57, radius_m=200.0)
        visible = privacy.redact(track(east_line(47.37, 8.53, 100)), [self.CUT, second])
        assert len(visible.segments) == 3
