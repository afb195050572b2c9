"""build_gpx: GPX 1.1 that the official XSD accepts and that parse_gpx reads back unchanged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from xml.etree import ElementTree

import pytest

from planner.geo.gpx import Segment, Waypoint, parse_gpx
from planner.geo.gpx_export import build_gpx

UTC = UTC
TRICKY_NAME = 'Tom & Jerry\'s <"loop"> \u00e9\u00e8 \u5c71\u9053 \U0001f97e ]]> &amp;'


def segment(points) -> Segment:
    """A Segment from (lat, lon, ele_m, time) tuples."""
    lats, lons, eles_m, times = zip(*points)
    return Segment(lats, lons, eles_m, times)


HIKE = segment([
    (46.5, 7.9, 1200.25, datetime(2024, 6, 1, 6, 0, tzinfo=UTC)),
    (46.5000001, 7.9000001, None, datetime(2024, 6, 1, 8, 0, 1, 250000, tzinfo=timezone(timedelta(hours=2)))),
    (-0.0000001, 179.9999999, -12.5, None),
    (1e-7, -1e-7, 0.0, None),
])  # fmt: skip
HUT = Waypoint(46.55, 7.95, 2300.0, "Hut <&>", "Beds: 40")


class TestBuildGpx:
    def test_it_validates_against_the_gpx_1_1_xsd(self, assert_valid_gpx11):
        data = build_gpx(TRICKY_NAME, [HIKE, segment([(10.0, 20.0, None, None)])], [HUT], description="A <b>day</b>")
        assert_valid_gpx11(data)
        root = ElementTree.fromstring(data)
        assert root.get("version") == "1.1" and root.get("creator") == "planner"

    @pytest.mark.parametrize("name, segments, waypoints", [
        (None, [], []), ("Only waypoints", [], [Waypoint(1.0, 2.0, None, None, None)]), ("", [HIKE], []),
        ("Edge", [segment([(90.0, 180.0, None, None), (-90.0, -180.0, 1e-9, None)])], []),
        ("Huge", [segment([(0.5, 0.5, 123456789.123, None)])], []),
    ])  # fmt: skip
    def test_edge_cases_validate_too(self, name, segments, waypoints, assert_valid_gpx11):
        assert_valid_gpx11(build_gpx(name, segments, waypoints))

    def test_it_writes_numbers_without_exponents_and_lon_180_as_minus_180(self):
        data = build_gpx("x", [segment([(1e-7, 180.0, 1e-5, None), (2.0, 3.0, None, None)])]).decode()
        assert 'lat="0.0000001" lon="-180.0"' in data and "<ele>0.00001</ele>" in data and "e-" not in data

    def test_it_writes_times_in_utc(self):
        assert "<time>2024-06-01T06:00:01.250000Z</time>" in build_gpx("x", [HIKE]).decode()

    def test_parse_gpx_reads_back_the_same_points_and_names(self):
        track = parse_gpx(build_gpx(TRICKY_NAME, [HIKE, HIKE], [HUT], description="Desc & more"))
        assert (track.name, track.description, track.waypoints) == (TRICKY_NAME, "Desc & more", [HUT])
        assert len(track.segments) == 2
        for got in track.segments:
            assert got.lats == pytest.approx(HIKE.lats, abs=1e-7) and got.lons == pytest.approx(HIKE.lons, abs=1e-7)
            assert got.eles_m == HIKE.eles_m
            assert got.times == HIKE.times

    def test_it_drops_characters_xml_cannot_carry(self, assert_valid_gpx11):
        data = build_gpx("a\x00b\x1bc\ud800d\ufffee", [HIKE], [Waypoint(1.0, 2.0, None, "\x07bell", None)])
        assert_valid_gpx11(data)
        track = parse_gpx(data)
        assert track.name == "abcde" and track.waypoints[0].name == "bell"

    def test_it_keeps_carriage_returns_inside_names(self):
        assert parse_gpx(build_gpx("line 1\r\nline 2", [HIKE])).name == "line 1\r\nline 2"

    @pytest.mark.parametrize("bad_segment", [
        segment([(91.0, 0.0, None, None)]), segment([(0.0, float("nan"), None, None)]),
        segment([(0.0, 0.0, float("inf"), None)]), segment([(0.0, 0.0, None, datetime(2024, 1, 1))]),
    ])  # fmt: skip
    def test_it_refuses_values_gpx_cannot_hold(self, bad_segment):
        with pytest.raises(ValueError):
            build_gpx("x", [bad_segment])
