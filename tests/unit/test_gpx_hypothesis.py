"""Property tests: parse_gpx returns a ParsedTrack or raises GpxError for any input; build_gpx round-trips."""

from __future__ import annotations

import codecs
import re
from datetime import datetime, timedelta, timezone
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.geo.gpx import GpxError, ParsedTrack, Segment, Waypoint, parse_gpx
from planner.geo.gpx_export import build_gpx

NAMESPACES = ("http://www.topografix.com/GPX/1/0", "http://www.topografix.com/GPX/1/1", None)
XML_SPECIAL = "<>&'\"]]> \t\n\r"
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
JUNK = [b"<!DOCTYPE gpx [<!ENTITY a 'b'>]>", b"<!ENTITY x SYSTEM 'file:///etc/passwd'>", b"&a;", b"<", b">", b"&",
        b"\x00", b"\xff\xfe", b"\xc3", b"]]>", b"<trkpt lat='nan' lon='1'/>", b"<ele>x</ele>", b"</trkseg>",
        b"<time>+99:99</time>", b'<?xml version="1.0" encoding="utf-7"?>', b"\xef\xbb\xbf", b"<!--",
        b"-->"]  # fmt: skip
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

xml_text = st.text(st.characters(codec="utf-8") | st.sampled_from(XML_SPECIAL), max_size=30).map(
    lambda text: NOT_XML.sub("", text)
)
lats = st.floats(-90, 90, allow_nan=False)
lons = st.floats(-180, 180, allow_nan=False)
eles_m = st.none() | st.floats(-500, 9000, allow_nan=False)
offsets = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda minutes: timezone(timedelta(minutes=minutes)))
times = st.none() | st.datetimes(datetime(1900, 1, 1), datetime(2100, 1, 1), timezones=offsets)
points = st.tuples(lats, lons, eles_m, times)


def expected_text(text: str) -> str | None:
    """What parse_gpx reports for text written raw into an element: XML line-end normalisation, then strip."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip() or None


def point_xml(tag: str, point) -> str:
    """One point element, numbers written as Python reprs (exponents included, which parse_gpx accepts)."""
    lat, lon, ele_m, time = point
    ele = "" if ele_m is None else f"<ele>{ele_m!r}</ele>"
    stamp = "" if time is None else f"<time>{time.isoformat()}</time>"
    return f'<{tag} lat="{lat!r}" lon="{lon!r}">{ele}{stamp}<extensions><ele>1</ele></extensions></{tag}>'


@st.composite
def gpx_documents(draw):
    """(document bytes, expected point count, expected name, expected flattened points) of a valid GPX file."""
    tracks = draw(st.lists(st.tuples(xml_text, st.lists(st.lists(points, max_size=8), max_size=3)), max_size=3))
    routes = draw(st.lists(st.tuples(xml_text, st.lists(points, max_size=8)), max_size=2))
    waypoints = draw(st.lists(points, max_size=3))
    doc_name, ns = draw(xml_text), draw(st.sampled_from(NAMESPACES))
    name_element = f"<name>{escape(doc_name)}</name>"
    body = [f"<metadata>{name_element}</metadata>" if ns and ns.endswith("1/1") else name_element]
    body += [point_xml("wpt", point) for point in waypoints]
    for name, pts in routes:
        body.append(f"<rte><name>{escape(name)}</name>{''.join(point_xml('rtept', p) for p in pts)}</rte>")
    for name, segments in tracks:
        inner = "".join(f"<trkseg>{''.join(point_xml('trkpt', p) for p in segment)}</trkseg>" for segment in segments)
        body.append(f"<trk><name>{escape(name)}</name><!-- c -->{inner}</trk>")
    xmlns = f' xmlns="{ns}"' if ns else ""
    text = f'<gpx version="1.1" creator="hypothesis"{xmlns}>\n' + "\n".join(body) + "</gpx>"
    codec = draw(st.sampled_from(["utf-8", "utf-8-bom", "utf-16-le", "utf-16-be"]))
    data = codecs.BOM_UTF8 + text.encode() if codec == "utf-8-bom" else text.encode(codec)
    flat = [p for _, segments in tracks for segment in segments for p in segment]
    flat += [p for _, pts in routes for p in pts]
    names = [doc_name] + [track_name for track_name, _ in tracks] + [route_name for route_name, _ in routes]
    name = next((expected_text(n) for n in names if expected_text(n)), None)
    return data, name, flat


@st.composite
def mangled_documents(draw):
    """A valid document truncated, with bytes flipped, or with junk inserted."""
    data = bytearray(draw(gpx_documents())[0])
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.integers(0, len(data)))
        how = draw(st.sampled_from(["truncate", "flip", "junk", "random"]))
        if how == "truncate":
            del data[where:]
        elif how == "flip" and where < len(data):
            data[where] ^= draw(st.integers(1, 255))
        elif how == "junk":
            data[where:where] = draw(st.sampled_from(JUNK))
        else:
            data[where:where] = draw(st.binary(max_size=8))
    return bytes(data)


def parse_or_refuse(data: bytes) -> ParsedTrack | None:
    """parse_gpx's result, or None when it raised GpxError; any other exception fails the test."""
    try:
        return parse_gpx(data)
    except GpxError as error:
        assert error.code in ("invalid_gpx", "file_too_large") and str(error)
        return None


class TestParseGpx:
    @SETTINGS
    @given(gpx_documents())
    def test_it_reads_every_valid_document(self, document):
        data, name, flat = document
        track = parse_or_refuse(data)
        if len(flat) < 2:
            assert track is None
            return
        assert track is not None and track.point_count == len(flat) and track.name == name
        read = [p for s in track.segments for p in zip(s.lats, s.lons, s.eles_m, s.times)]
        assert read == flat

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(mangled_documents())
    def test_it_returns_a_track_or_raises_gpx_error_for_mangled_documents(self, data):
        parse_or_refuse(data)

    @SETTINGS
    @given(st.binary(max_size=300))
    def test_it_returns_a_track_or_raises_gpx_error_for_any_bytes(self, data):
        assert parse_or_refuse(data) is None


class TestBuildGpx:
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(name=xml_text, description=xml_text, segments=st.lists(st.lists(points, min_size=1, max_size=6), min_size=1,
           max_size=3), waypoints=st.lists(st.tuples(lats, lons, eles_m, xml_text, xml_text), max_size=3))  # fmt: skip
    def test_it_round_trips_through_parse_gpx_and_validates(self, name, description, segments, waypoints,
                                                             assert_valid_gpx11):  # fmt: skip
        built = [Segment(*map(tuple, zip(*segment))) for segment in segments]
        marks = [Waypoint(*waypoint) for waypoint in waypoints]
        data = build_gpx(name, built, marks, description=description)
        assert_valid_gpx11(data)
        if sum(map(len, built)) < 2:
            return
        track = parse_gpx(data)
        assert (track.name, track.description) == (name.strip() or None, description.strip() or None)
        labels = [(w.name.strip() or None, w.description.strip() or None) for w in marks]
        assert [(w.name, w.description) for w in track.waypoints] == labels
        for got, want in zip(track.segments, built):
            assert all(abs(a - b) <= 1e-7 for a, b in zip(got.lats, want.lats))
            assert all(abs(a - b) <= 1e-7 or abs(abs(a - b) - 360) <= 1e-7 for a, b in zip(got.lons, want.lons))
            assert (got.eles_m, got.times) == (want.eles_m, want.times)
