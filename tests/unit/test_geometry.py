"""Geometry helpers: geodesic lengths, distance along the route, simplification, km marks, the stored line."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from geopy.distance import geodesic
from pyproj import CRS, Geod, Transformer
from pyproj.aoi import AreaOfInterest
from pyproj.database import query_utm_crs_info

from planner.geo.geometry import cumulative_distance_m, joined_line, km_marks, segment_lengths_m, simplify

GEOD = Geod(ellps="WGS84")


def utm_for(lat: float, lon: float) -> Transformer:
    """lon/lat -> UTM metres for the zone around (lat, lon): an independent local metric projection."""
    (info,) = query_utm_crs_info("WGS 84", AreaOfInterest(lon, lat, lon, lat))[:1]
    return Transformer.from_crs("EPSG:4326", CRS.from_epsg(int(info.code)), always_xy=True)


def max_deviation_m(track, line, to_metres: Transformer | None = None) -> float:
    """Largest distance from any original point to the simplified line, in UTM unless to_metres is given."""
    lats = np.concatenate([s.lats for s in track.segments])
    lons = np.concatenate([s.lons for s in track.segments])
    to_metres = to_metres or utm_for(float(lats.mean()), float(lons.mean()))
    simplified = shapely.LineString(np.column_stack(to_metres.transform([p[0] for p in line], [p[1] for p in line])))
    points = shapely.points(np.column_stack(to_metres.transform(lons, lats)))
    return float(shapely.distance(points, simplified).max())


def wiggly(
    tracks,
    seed: int,
    count: int = 3000,
    lat: float = 46.5,
    lon: float = 7.9,
    step_m: float = 3.0,
    heading_deg: float | None = None,
):
    """A random GPS-like walk with elevations, a point every step_m; heading drifts, or jitters around heading_deg."""
    rng = np.random.default_rng(seed)
    if heading_deg is None:
        headings = np.cumsum(rng.normal(0, 12, count)) % 360
    else:
        headings = heading_deg + rng.normal(0, 40, count)
    lats, lons = [lat], [lon]
    for heading in headings:
        lon, lat, _ = GEOD.fwd(lon, lat, heading, step_m)
        lats.append(lat)
        lons.append(lon)
    return tracks.segment(lats, lons, 1000 + np.arange(count + 1) * 0.1)


class TestSegmentLengthsM:
    def test_it_matches_geopy_for_each_pair(self):
        lats, lons = [0.0, 0.5, 60.0, 89.9, -89.9], [0.0, 179.9, -179.9, 10.0, 10.0]
        expected = [geodesic((a, b), (c, d)).meters for a, b, c, d in zip(lats, lons, lats[1:], lons[1:])]
        assert segment_lengths_m(lats, lons) == pytest.approx(expected, rel=1e-9)

    @pytest.mark.parametrize("count", [0, 1])
    def test_it_is_empty_for_fewer_than_two_points(self, count):
        assert segment_lengths_m([1.0] * count, [2.0] * count).shape == (0,)


class TestCumulativeDistanceM:
    def test_it_runs_along_all_segments_without_the_gaps(self, tracks):
        first = tracks.line(46.0, 7.0, 0.0, [100.0, 200.0])
        second = tracks.line(47.0, 7.0, 90.0, [50.0])
        assert cumulative_distance_m(tracks.of(first, second)) == pytest.approx([0, 100, 300, 300, 350], abs=1e-6)


class TestSimplify:
    @pytest.mark.parametrize("seed, lat", [(1, 46.5), (2, 69.0), (3, -33.9), (4, 0.0)])
    def test_every_original_point_lies_within_5_m_of_the_line(self, seed, lat, tracks):
        track = tracks.of(wiggly(tracks, seed, lat=lat))
        line = simplify(track, tolerance_m=5.0)
        assert len(line) < track.point_count / 3
        assert max_deviation_m(track, line) <= 5.0

    def test_it_respects_other_tolerances(self, tracks):
        track = tracks.of(wiggly(tracks, 5, count=2000, step_m=10.0))
        coarse, fine = simplify(track, 50.0), simplify(track, 1.0)
        assert len(coarse) < len(fine)
        assert max_deviation_m(track, coarse) <= 50.0 and max_deviation_m(track, fine) <= 1.0

    def test_it_keeps_the_ends_and_the_elevations_of_kept_points(self, tracks):
        segment = wiggly(tracks, 6)
        line = simplify(tracks.of(segment))
        originals = {(lon, lat): ele for lon, lat, ele in zip(segment.lons, segment.lats, segment.eles_m)}
        assert line[0] == (segment.lons[0], segment.lats[0], segment.eles_m[0])
        assert line[-1] == (segment.lons[-1], segment.lats[-1], segment.eles_m[-1])
        assert all(originals[(lon, lat)] == ele for lon, lat, ele in line)

    def test_it_reduces_a_straight_line_to_its_ends(self, tracks):
        segment = tracks.line(46.0, 7.0, 30.0, [10.0] * 500)
        assert simplify(tracks.of(segment)) == [(segment.lons[0], segment.lats[0], None),
                                                (segment.lons[-1], segment.lats[-1], None)]  # fmt: skip

    def test_it_joins_segments_in_order_and_keeps_short_ones(self, tracks):
        first, single = tracks.line(46.0, 7.0, 0.0, [10.0] * 100), tracks.segment([47.0], [8.0], [5.0])
        line = simplify(tracks.of(first, single, tracks.line(48.0, 9.0, 0.0, [10.0])))
        assert [(round(lat), round(lon)) for lon, lat, _ in line] == [(46, 7), (46, 7), (47, 8), (48, 9), (48, 9)]

    def test_it_keeps_a_small_closed_loop(self, tracks):
        loop = tracks.segment([46.0, 46.00001, 46.0, 46.0], [7.0, 7.0, 7.00001, 7.0])
        assert len(simplify(tracks.of(loop))) >= 2

    def test_it_works_across_the_antimeridian(self, tracks):
        track = tracks.of(wiggly(tracks, 7, lat=-17.0, lon=179.999, count=1000, heading_deg=90.0))
        lons = np.concatenate([s.lons for s in track.segments])
        assert (lons > 179).any() and (lons < -179).any()
        line = simplify(track)
        centred_on_180 = Transformer.from_crs("EPSG:4326", "+proj=tmerc +lon_0=180 +datum=WGS84", always_xy=True)
        assert len(line) < 300 and max_deviation_m(track, line, centred_on_180) <= 5.0

    def test_it_refuses_a_non_positive_tolerance(self, tracks):
        with pytest.raises(ValueError):
            simplify(tracks.of(tracks.line(46.0, 7.0, 0.0, [10.0])), 0.0)


class TestKmMarks:
    def test_it_marks_each_whole_kilometre_at_its_distance_along_the_route(self, tracks):
        segment = tracks.line(46.0, 7.0, 60.0, [333.0] * 20)  # 6.66 km
        marks = km_marks(tracks.of(segment))
        assert [km for _, _, km in marks] == [1, 2, 3, 4, 5, 6]
        for lat, lon, km in marks:
            assert geodesic((segment.lats[0], segment.lons[0]), (lat, lon)).meters == pytest.approx(km * 1000, abs=0.01)

    def test_it_does_not_count_the_gap_between_segments(self, tracks):
        first = tracks.line(46.0, 7.0, 0.0, [600.0])
        second = tracks.line(50.0, 7.0, 90.0, [600.0] * 3)
        (mark_1, mark_2) = km_marks(tracks.of(first, second))
        assert mark_1[2] == 1 and geodesic((50.0, 7.0), mark_1[:2]).meters == pytest.approx(400, abs=0.01)
        assert mark_2[2] == 2 and geodesic((50.0, 7.0), mark_2[:2]).meters == pytest.approx(1400, abs=0.01)

    def test_it_marks_every_few_kilometres(self, tracks):
        segment = tracks.line(46.0, 7.0, 0.0, [1000.0] * 12)
        assert [km for _, _, km in km_marks(tracks.of(segment), every_m=5000)] == [5, 10]

    def test_it_has_no_marks_on_a_short_route(self, tracks):
        assert km_marks(tracks.of(tracks.line(46.0, 7.0, 0.0, [300.0] * 3))) == []

    @pytest.mark.parametrize("every_m", [0, -1000, 500])
    def test_it_needs_whole_kilometres(self, every_m, tracks):
        with pytest.raises(ValueError):
            km_marks(tracks.of(tracks.line(46.0, 7.0, 0.0, [300.0])), every_m)


class TestJoinedLine:
    def test_it_lists_every_point_as_lon_lat_ele_in_order(self, tracks):
        first, second = tracks.segment([1.0, 2.0], [3.0, 4.0], [5.0, None]), tracks.segment([6.0], [7.0], [8.0])
        assert joined_line(tracks.of(first, second)) == [(3.0, 1.0, 5.0), (4.0, 2.0, None), (7.0, 6.0, 8.0)]
