"""Route statistics: geodesic length, filtered climb, elevation range, durations and estimates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from geopy.distance import geodesic

from planner.geo.stats import ACTIVITIES, RouteStats, compute_stats, elevation_profile, estimate_duration_s

START = datetime(2024, 6, 1, 6, 0, tzinfo=UTC)


def naive_ascent_m(eles_m) -> float:
    """Sum of every positive difference, what an unfiltered counter would report."""
    steps_m = np.diff(eles_m)
    return float(steps_m[steps_m > 0].sum())


def seconds(*offsets_s) -> list[datetime]:
    """Aware UTC datetimes at the given offsets from START."""
    return [START + timedelta(seconds=s) for s in offsets_s]


class TestComputeStats:
    @pytest.mark.parametrize("seed, lat_range", [(1, (-60, 60)), (2, (70, 89.9)), (3, (-89.9, -75)), (4, (-5, 5))])
    def test_its_length_matches_geopy_within_a_thousandth(self, seed, lat_range, tracks):
        rng = np.random.default_rng(seed)
        lat0 = rng.uniform(*lat_range)
        steps_m = rng.uniform(0, 3000, 300)
        segment = tracks.line(lat0, 179.9, rng.uniform(0, 360), steps_m)  # starts next to the antimeridian
        wobble = tracks.segment(np.clip(np.array(segment.lats) + rng.normal(0, 0.01, 301), -89.99, 89.99), segment.lons)
        expected_m = sum(geodesic(a, b).meters for a, b in zip(zip(wobble.lats, wobble.lons),
                                                                 zip(wobble.lats[1:], wobble.lons[1:])))  # fmt: skip
        assert compute_stats(tracks.of(wobble)).length_m == pytest.approx(expected_m, rel=1e-3)

    def test_its_length_leaves_out_the_gap_between_segments(self, tracks):
        first = tracks.line(46.0, 7.0, 0.0, [1000.0] * 3)
        second = tracks.line(46.0 + 0.2, 7.0, 0.0, [500.0] * 2)  # starts ~19 km further north
        assert compute_stats(tracks.of(first, second)).length_m == pytest.approx(4000.0, abs=0.01)

    def test_it_reports_almost_no_climb_on_a_flat_track_with_gps_noise(self, tracks):
        rng = np.random.default_rng(7)
        eles_m = 500 + rng.uniform(-3, 3, 2001)
        stats = compute_stats(tracks.of(tracks.line(46.0, 7.0, 45.0, [5.0] * 2000, eles_m)))
        assert stats.ascent_m < 0.1 * naive_ascent_m(eles_m)
        assert stats.descent_m < 0.1 * naive_ascent_m(-eles_m)

    @pytest.mark.parametrize("step_m", [1.5, 5.0, 20.0])
    def test_it_keeps_a_real_climb_with_the_same_noise(self, step_m, tracks):
        rng = np.random.default_rng(8)
        count = int(8000 / step_m)
        eles_m = np.linspace(0, 800, count + 1) + rng.uniform(-3, 3, count + 1)
        stats = compute_stats(tracks.of(tracks.line(46.0, 7.0, 90.0, [step_m] * count, eles_m)))
        assert stats.ascent_m == pytest.approx(800, rel=0.03)
        assert stats.descent_m < 0.03 * 800

    def test_it_keeps_the_hills_of_a_sparse_planned_route(self, tracks):
        eles_m = 300 + 60 * np.sin(np.linspace(0, 6 * np.pi, 121))  # three 120 m hills, a point every 250 m
        stats = compute_stats(tracks.of(tracks.line(46.0, 7.0, 0.0, [250.0] * 120, eles_m)))
        assert stats.ascent_m == pytest.approx(naive_ascent_m(eles_m), rel=0.01)
        assert stats.descent_m == pytest.approx(naive_ascent_m(-eles_m), rel=0.01)

    def test_it_filters_each_segment_on_its_own(self, tracks):
        climb = tracks.line(46.0, 7.0, 0.0, [10.0] * 800, np.linspace(0, 800, 801))
        flat_again = tracks.line(46.2, 7.0, 0.0, [10.0] * 100, [0.0] * 101)
        stats = compute_stats(tracks.of(climb, flat_again))
        assert stats.ascent_m == pytest.approx(800, rel=0.01)
        assert stats.descent_m == 0

    def test_it_reads_the_elevation_range_as_recorded(self, tracks):
        segment = tracks.line(46.0, 7.0, 0.0, [10.0] * 4, [None, 512.5, 498.0, None, 505.0])
        stats = compute_stats(tracks.of(segment))
        assert (stats.min_ele_m, stats.max_ele_m) == (498.0, 512.5)

    def test_it_reports_no_elevation_figures_without_elevations(self, tracks):
        stats = compute_stats(tracks.of(tracks.line(46.0, 7.0, 0.0, [10.0] * 4)))
        assert (stats.ascent_m, stats.descent_m, stats.min_ele_m, stats.max_ele_m) == (None, None, None, None)

    def test_it_counts_moving_time_without_standstills_and_pauses(self, tracks):
        walk = [1.4] * 600 + [0.0] * 300 + [1.4] * 600  # walk 10 min, stand 5 min, walk 10 min (1 s apart)
        first = tracks.line(46.0, 7.0, 0.0, walk, times=seconds(*range(1501)))
        after_lunch = [1400.0] + [1.4] * 60  # the logger was off for an hour, then 1 min of walking
        second = tracks.line(46.1, 7.0, 0.0, after_lunch, times=seconds(5000, *range(8600, 8661)))
        stats = compute_stats(tracks.of(first, second), "hiking")
        assert stats.moving_time_s == 600 + 600 + 60
        assert stats.recorded_duration_s == 8660

    def test_it_uses_a_higher_moving_threshold_on_a_bike(self, tracks):
        segment = tracks.line(46.0, 7.0, 0.0, [0.7] * 100, times=seconds(*range(101)))  # 0.7 m/s: walking pace
        assert compute_stats(tracks.of(segment), "hiking").moving_time_s == 100
        assert compute_stats(tracks.of(segment), "cycling").moving_time_s == 0

    def test_it_reports_no_durations_with_fewer_than_two_times(self, tracks):
        segment = tracks.line(46.0, 7.0, 0.0, [10.0] * 3, times=[None, START, None, None])
        stats = compute_stats(tracks.of(segment))
        assert (stats.recorded_duration_s, stats.moving_time_s) == (None, None)

    def test_it_uses_only_the_points_that_have_times(self, tracks):
        times = [START, None, None, None, START + timedelta(seconds=20)]
        segment = tracks.line(46.0, 7.0, 0.0, [10.0] * 4, times=times)
        stats = compute_stats(tracks.of(segment))
        assert (stats.recorded_duration_s, stats.moving_time_s) == (20, 20)

    def test_it_reports_ends_bounding_box_and_point_count(self, tracks):
        first = tracks.segment([46.0, 46.5, 45.5], [7.0, 6.5, 7.5])
        second = tracks.segment([47.0, 46.2], [8.0, 6.9])
        stats = compute_stats(tracks.of(first, second))
        assert isinstance(stats, RouteStats)
        assert (stats.start, stats.end, stats.point_count) == ((46.0, 7.0), (46.2, 6.9), 5)
        assert stats.bbox == (6.5, 45.5, 8.0, 47.0)

    def test_it_estimates_the_duration_for_the_activity(self, tracks):
        segment = tracks.line(46.0, 7.0, 0.0, [1000.0] * 12, np.linspace(0, 600, 13))
        stats = compute_stats(tracks.of(segment), "cycling")
        assert stats.estimated_duration_s == estimate_duration_s(stats.length_m, stats.ascent_m, 0.0, "cycling")

    def test_it_refuses_an_unknown_activity(self, tracks):
        with pytest.raises(ValueError, match="unknown activity 'kayaking'"):
            compute_stats(tracks.of(tracks.line(46.0, 7.0, 0.0, [10.0])), "kayaking")


class TestEstimateDurationS:
    @pytest.mark.parametrize("length_m, ascent_m, descent_m, hours", [
        (12_000, 600, 600, 3.2 + 3 / 2),  # DIN 33466: h = 3 h, v = 2 h + 1.2 h
        (3_000, 900, 0, 3 + 0.75 / 2),  # steep: vertical time dominates
        (16_000, 0, 0, 4),
    ])  # fmt: skip
    def test_it_follows_din_33466_for_hiking_and_walking(self, length_m, ascent_m, descent_m, hours):
        for activity in ("hiking", "walking"):
            assert estimate_duration_s(length_m, ascent_m, descent_m, activity) == round(hours * 3600)

    @pytest.mark.parametrize("activity, length_m, ascent_m, hours", [
        ("running", 10_000, 100, 1.1), ("trail_running", 20_000, 1000, 3.75),
        ("cycling", 100_000, 1000, 6.0), ("mountain_biking", 24_000, 800, 3.0),
    ])  # fmt: skip
    def test_it_uses_effort_km_for_runs_and_a_climbing_penalty_for_bikes(self, activity, length_m, ascent_m, hours):
        assert estimate_duration_s(length_m, ascent_m, 5000.0, activity) == round(hours * 3600)

    @pytest.mark.parametrize("activity", ACTIVITIES)
    def test_it_grows_with_length_and_ascent(self, activity):
        base = estimate_duration_s(10_000, 200, 200, activity)
        assert estimate_duration_s(20_000, 200, 200, activity) > base
        assert estimate_duration_s(10_000, 800, 200, activity) > base
        assert estimate_duration_s(0, 0, 0, activity) == 0

    def test_it_refuses_an_unknown_activity(self):
        with pytest.raises(ValueError, match="hiking"):
            estimate_duration_s(1000, 0, 0, "sailing")


class TestElevationProfile:
    def test_it_decimates_to_at_most_max_samples_spanning_the_route(self, tracks):
        segment = tracks.line(46.0, 7.0, 0.0, [5.0] * 2000, np.linspace(100, 300, 2001))
        profile = elevation_profile(tracks.of(segment), max_samples=400)
        assert 300 < len(profile) <= 400
        assert profile[0] == (0.0, 100.0)
        assert profile[-1][0] == pytest.approx(10_000, abs=0.01) and profile[-1][1] == 300.0
        assert all(b[0] > a[0] for a, b in zip(profile, profile[1:]))

    def test_it_keeps_every_point_of_a_short_route_and_skips_points_without_elevation(self, tracks):
        segment = tracks.line(46.0, 7.0, 0.0, [100.0] * 3, [10.0, None, 30.0, 40.0])
        profile = elevation_profile(tracks.of(segment))
        assert [e for _, e in profile] == [10.0, 30.0, 40.0]
        assert [round(d) for d, _ in profile] == [0, 200, 300]

    def test_it_does_not_count_the_gap_between_segments(self, tracks):
        first = tracks.line(46.0, 7.0, 0.0, [100.0], [1.0, 2.0])
        second = tracks.line(47.0, 7.0, 0.0, [100.0], [3.0, 4.0])
        assert [round(d) for d, _ in elevation_profile(tracks.of(first, second))] == [0, 100, 100, 200]

    def test_it_is_empty_without_elevations(self, tracks):
        assert elevation_profile(tracks.of(tracks.line(46.0, 7.0, 0.0, [100.0] * 3))) == []

    def test_it_needs_at_least_two_samples(self, tracks):
        with pytest.raises(ValueError):
            elevation_profile(tracks.of(tracks.line(46.0, 7.0, 0.0, [100.0])), max_samples=1)
