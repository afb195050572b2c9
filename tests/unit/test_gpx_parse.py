"""parse_gpx on well-meant input: what it keeps, how it reads values, and how it names bad ones."""

from __future__ import annotations

import codecs
from datetime import UTC, datetime, timedelta

import pytest

from planner.geo.gpx import GpxError, ParsedTrack, Segment, Waypoint, parse_gpx

UTC = UTC
WAYPOINTS_ONLY = '<wpt lat="1" lon="2"/><wpt lat="1" lon="3"/>'


def bad(data: bytes) -> str:
    """The message of the GpxError (code invalid_gpx) that parse_gpx raises for data."""
    with pytest.raises(GpxError) as caught:
        parse_gpx(data)
    assert caught.value.code == "invalid_gpx"
    return str(caught.value)


class TestParseGpx:
    def test_it_reads_a_gpx_1_1_track(self, gpx):
        data = gpx.document(gpx.track([(46.5, 7.9, 1200.5, "2024-06-01T06:00:00Z"),
                                       (46.6, 8.0, 1210, "2024-06-01T06:00:05Z")], name="Ridge"))  # fmt: skip
        track = parse_gpx(data)
        assert isinstance(track, ParsedTrack)
        assert track.name == "Ridge" and track.description is None and track.waypoints == []
        assert track.point_count == 2
        (segment,) = track.segments
        assert isinstance(segment, Segment) and len(segment) == 2
        assert segment.lats == (46.5, 46.6) and segment.lons == (7.9, 8.0)
        assert segment.eles_m == (1200.5, 1210.0)
        assert segment.times == (datetime(2024, 6, 1, 6, 0, tzinfo=UTC), datetime(2024, 6, 1, 6, 0, 5, tzinfo=UTC))

    @pytest.mark.parametrize("ns, version", [("http://www.topografix.com/GPX/1/0", "1.0"), (None, "1.1")])
    def test_it_reads_gpx_1_0_and_documents_without_a_namespace(self, ns, version, gpx):
        body = "<name>Old file</name><desc>From 2009</desc>" + gpx.track([(1, 2, 3), (1.5, 2.5, 4)])
        track = parse_gpx(gpx.document(body, ns=ns, version=version))
        assert (track.name, track.description, track.point_count) == ("Old file", "From 2009", 2)

    def test_it_reads_elements_under_a_namespace_prefix(self):
        data = (
            b'<g:gpx xmlns:g="http://www.topografix.com/GPX/1/1" version="1.1"><g:trk><g:trkseg>'
            b'<g:trkpt lat="1" lon="2"><g:ele>5</g:ele></g:trkpt><g:trkpt lat="3" lon="4"/>'
            b"</g:trkseg></g:trk></g:gpx>"
        )
        assert parse_gpx(data).segments[0].eles_m == (5.0, None)

    def test_it_joins_every_segment_of_every_track_then_each_route(self, gpx):
        body = (
            f"<rte><name>Plan</name>{gpx.points([(9, 9), (9.1, 9.1)], tag='rtept')}</rte>"
            + gpx.track([(1, 1), (1.1, 1.1)], [], [(2, 2)], name="Day 1")
            + gpx.track([(3, 3), (3.1, 3.1)])
        )
        track = parse_gpx(gpx.document(body))
        assert [segment.lats for segment in track.segments] == [(1, 1.1), (2,), (3, 3.1), (9, 9.1)]
        assert track.point_count == 7

    def test_it_reads_a_route_alone(self, gpx):
        route = f"<rte><name>Planned</name><desc>Loop</desc>{gpx.points([(1, 2, 10), (1.1, 2.1, 20)], 'rtept')}</rte>"
        track = parse_gpx(gpx.document(route))
        assert (track.name, track.description, track.segments[0].eles_m) == ("Planned", "Loop", (10.0, 20.0))

    def test_it_reads_waypoints(self, gpx):
        waypoints = (
            '<wpt lat="46.1" lon="7.1"><ele>800</ele><time>2024-01-01T00:00:00Z</time>'
            '<name> Hut &amp; caf\u00e9 </name><desc>Water</desc></wpt><wpt lat="46.2" lon="7.2"/>'
        )
        track = parse_gpx(gpx.document(waypoints + gpx.track([(1, 2), (1.1, 2.1)])))
        assert track.waypoints == [Waypoint(46.1, 7.1, 800.0, "Hut & caf\u00e9", "Water"),
                                   Waypoint(46.2, 7.2, None, None, None)]  # fmt: skip

    def test_it_prefers_the_metadata_name_then_the_first_track_then_the_first_route(self, gpx):
        tracks = gpx.track([(1, 2), (1.1, 2.1)]) + gpx.track([(1, 2)], name="Second track")
        route = f"<rte><name>Route</name>{gpx.points([(5, 5)], 'rtept')}</rte>"
        metadata = "<metadata><author><name>Ann</name></author><name>Document</name><desc>Doc desc</desc></metadata>"
        assert parse_gpx(gpx.document(metadata + route + tracks)).name == "Document"
        assert parse_gpx(gpx.document(route + tracks)).name == "Second track"
        assert parse_gpx(gpx.document(route + gpx.track([(1, 2), (1.1, 2.1)]))).name == "Route"
        assert parse_gpx(gpx.document(gpx.track([(1, 2), (1.1, 2.1)]))).name is None

    def test_it_ignores_names_of_authors_points_and_extensions(self, gpx):
        body = (
            "<metadata><author><name>Ann</name></author><extensions><name>Vendor</name></extensions></metadata>"
            '<trk><trkseg><trkpt lat="1" lon="2"><name>P1</name></trkpt><trkpt lat="1.1" lon="2"/></trkseg></trk>'
        )
        assert parse_gpx(gpx.document(body)).name is None

    def test_it_strips_names_and_reads_cdata_and_entities(self, gpx):
        body = "<metadata><name>\n  <![CDATA[Tom & <Jerry>]]> &amp; &#233;&#x1F600;\n</name><desc>  </desc></metadata>"
        track = parse_gpx(gpx.document(body + gpx.track([(1, 2), (1.1, 2.1)])))
        assert track.name == "Tom & <Jerry> & \u00e9\U0001f600"
        assert track.description is None

    def test_it_ignores_vendor_extensions(self, gpx):
        point = (
            '<trkpt lat="1" lon="2"><ele>5</ele><extensions><ele>999</ele><trkpt lat="80" lon="80"/>'
            '<gpxtpx:TrackPointExtension xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
            "<gpxtpx:hr>140</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions></trkpt>"
        )
        body = '<extensions><trk><trkseg><trkpt lat="50" lon="50"/></trkseg></trk></extensions>'
        track = parse_gpx(gpx.document(f"<trk><trkseg>{point}{point}</trkseg></trk>{body}"))
        assert track.point_count == 2 and track.segments[0].eles_m == (5.0, 5.0)

    def test_it_allows_elevations_and_times_to_be_missing_anywhere(self, gpx):
        points = [(1, 2), (1.1, 2.1, 5), (1.2, 2.2, None, "2024-06-01T06:00:00Z"), (1.3, 2.3, "", "")]
        segment = parse_gpx(gpx.document(gpx.track(points))).segments[0]
        assert segment.eles_m == (None, 5.0, None, None)
        assert segment.times == (None, None, datetime(2024, 6, 1, 6, tzinfo=UTC), None)

    @pytest.mark.parametrize("text, expected", [
        ("2024-06-01T06:00:00Z", datetime(2024, 6, 1, 6, tzinfo=UTC)),
        ("2024-06-01T08:00:00+02:00", datetime(2024, 6, 1, 6, tzinfo=UTC)),
        ("2024-06-01T01:30:00-04:30", datetime(2024, 6, 1, 6, tzinfo=UTC)),
        ("2024-06-01T06:00:00.250Z", datetime(2024, 6, 1, 6, 0, 0, 250000, tzinfo=UTC)),
        ("2024-06-01T06:00:00.123456789Z", datetime(2024, 6, 1, 6, 0, 0, 123456, tzinfo=UTC)),
        (" 2024-06-01T06:00:00 \n", datetime(2024, 6, 1, 6, tzinfo=UTC)),
    ])  # fmt: skip
    def test_it_reads_iso_8601_times_as_aware_utc(self, text, expected, gpx):
        times = parse_gpx(gpx.document(gpx.track([(1, 2, None, text), (1, 2)]))).segments[0].times
        assert times[0] == expected and times[0].tzinfo is UTC and times[0].utcoffset() == timedelta(0)

    @pytest.mark.parametrize("text", ["2024-06-01T06:00:00+99:99", "yesterday", "2024-13-01T00:00:00Z",
                                      "2024-06-01T25:00:00Z", "0001-01-01T00:00:00+01:00"])  # fmt: skip
    def test_it_names_the_point_with_a_bad_time(self, text, gpx):
        message = bad(gpx.document(gpx.track([(1, 2), (1, 2), (1, 2, None, text)])))
        assert "point 3" in message and "ISO 8601" in message and text[:20] in message

    @pytest.mark.parametrize("attributes, detail", [
        ('lat="nan" lon="2"', "lat='nan' is not a number between -90 and 90"),
        ('lat="1" lon="inf"', "lon='inf' is not a number between -180 and 180"),
        ('lat="-Infinity" lon="2"', "lat='-Infinity'"),
        ('lat="91" lon="2"', "lat='91' is not a number between -90 and 90"),
        ('lat="1" lon="-180.0001"', "lon='-180.0001'"),
        ('lat="4 5" lon="2"', "lat='4 5' is not a number"),
        ('lat="" lon="2"', "lat='' is not a number"),
        ('lon="2"', "the lat attribute is missing"),
    ])  # fmt: skip
    def test_it_names_the_point_with_a_bad_coordinate(self, attributes, detail, gpx):
        message = bad(gpx.document(f'<trk><trkseg><trkpt lat="1" lon="2"/>\n<trkpt {attributes}/></trkseg></trk>'))
        assert message.startswith("Track/route point 2 (line 3): ") and detail in message

    @pytest.mark.parametrize("ele", ["abc", "nan", "inf", "1e300"])
    def test_it_names_the_point_with_a_bad_elevation(self, ele, gpx):
        assert "point 2" in bad(gpx.document(gpx.track([(1, 2, 3), (1, 2, ele)])))

    def test_it_names_the_waypoint_with_a_bad_coordinate(self, gpx):
        message = bad(gpx.document('<wpt lat="1" lon="2"/><wpt lat="95" lon="2"/>' + gpx.track([(1, 2), (1, 2)])))
        assert message.startswith("Waypoint 2") and "lat='95'" in message

    def test_it_accepts_the_extreme_coordinates(self, gpx):
        segment = parse_gpx(gpx.document(gpx.track([(90, 180), (-90, -180), ("+0", "-0.0")]))).segments[0]
        assert segment.lats == (90.0, -90.0, 0.0) and segment.lons == (180.0, -180.0, 0.0)

    def test_it_rejects_a_single_point(self, gpx):
        assert "only one track/route point" in bad(gpx.document(gpx.track([(1, 2)])))

    @pytest.mark.parametrize("body", ["", "<trk><trkseg></trkseg></trk>", WAYPOINTS_ONLY])
    def test_it_rejects_a_file_without_track_or_route_points(self, body, gpx):
        assert "no track or route points" in bad(gpx.document(body))

    def test_it_accepts_exactly_max_points(self, gpx):
        data = gpx.document(gpx.track([(1, 2)] * 10))
        assert parse_gpx(data, max_points=10).point_count == 10

    @pytest.mark.parametrize("codec, bom", [("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
                                            ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-16-le", b"")])  # fmt: skip
    def test_it_reads_boms_and_utf_16(self, codec, bom, gpx):
        text = gpx.document(gpx.track([(1, 2), (1, 3)], name="Z\u00fcrich \u5c71"), prolog="").decode()
        assert parse_gpx(bom + text.encode(codec)).name == "Z\u00fcrich \u5c71"

    @pytest.mark.parametrize("encoding", ["ISO-8859-1", "windows-1252", "latin-1"])
    def test_it_reads_single_byte_encodings_it_declares(self, encoding, gpx):
        text = gpx.document(gpx.track([(1, 2), (1, 3)], name="Caf\u00e9 Z\u00fcrich"), prolog="").decode()
        data = f'<?xml version="1.0" encoding="{encoding}"?>\n{text}'.encode("latin-1")
        assert parse_gpx(data).name == "Caf\u00e9 Z\u00fcrich"

    def test_it_accepts_bytearray_and_memoryview_but_not_text(self, gpx):
        data = gpx.document(gpx.track([(1, 2), (1, 3)]))
        assert parse_gpx(bytearray(data)).point_count == parse_gpx(memoryview(data)).point_count == 2
        with pytest.raises(TypeError):
            parse_gpx(data.decode())

    def test_its_results_are_immutable(self, gpx):
        track = parse_gpx(gpx.document(gpx.track([(1, 2), (1, 3)])))
        with pytest.raises(AttributeError):
            track.segments[0].lats = (0.0,)
        with pytest.raises(AttributeError):
            track.name = "x"
