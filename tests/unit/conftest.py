"""Shared helpers for the unit tests: small GPX documents written by hand."""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
import xmlschema
from pyproj import Geod

from planner.geo.gpx import ParsedTrack, Segment

GPX10 = "http://www.topografix.com/GPX/1/0"
GPX11 = "http://www.topografix.com/GPX/1/1"
GEOD = Geod(ellps="WGS84")
ROOT = Path(__file__).resolve().parents[2]
GPX11_XSD = ROOT / "var" / "schemas" / "gpx_1_1.xsd"
GPXPY_CORPUS = ROOT / "var" / "gpxpy_test_files"
FETCH_HINT = "run scripts/fetch_gpxpy_testfiles.sh (make test runs it) to download it"


class GpxText:
    """Builds GPX text piece by piece, so each test shows exactly what the file holds."""

    GPX10, GPX11 = GPX10, GPX11

    @staticmethod
    def document(
        body: str,
        *,
        ns: str | None = GPX11,
        version: str = "1.1",
        prolog: str = '<?xml version="1.0" encoding="UTF-8"?>\n',
    ) -> bytes:
        """A whole document: prolog + <gpx> root (in namespace ns, or none) around body, as UTF-8."""
        xmlns = f' xmlns="{ns}"' if ns else ""
        return f'{prolog}<gpx version="{version}" creator="test"{xmlns}>{body}</gpx>'.encode()

    @staticmethod
    def points(points, tag: str = "trkpt") -> str:
        """Point elements from (lat, lon[, ele[, time]]) tuples; None (or leaving it off) omits that child."""
        out = []
        for lat, lon, *rest in points:
            ele, time = (list(rest) + [None, None])[:2]
            children = ("" if ele is None else f"<ele>{ele}</ele>") + ("" if time is None else f"<time>{time}</time>")
            out.append(f'<{tag} lat="{lat}" lon="{lon}">{children}</{tag}>')
        return "".join(out)

    @classmethod
    def track(cls, *segments, name: str | None = None) -> str:
        """A <trk> with one <trkseg> per list of points."""
        label = "" if name is None else f"<name>{escape(name)}</name>"
        return f"<trk>{label}" + "".join(f"<trkseg>{cls.points(s)}</trkseg>" for s in segments) + "</trk>"


@pytest.fixture(scope="session")
def gpx() -> type[GpxText]:
    """The GpxText builder."""
    return GpxText


class Tracks:
    """Builds ParsedTrack values directly, without XML, for the stats and geometry tests."""

    @staticmethod
    def segment(lats, lons, eles_m=None, times=None) -> Segment:
        """A Segment from sequences; eles_m/times default to all None."""
        count = len(lats)
        eles_m = [None] * count if eles_m is None else eles_m
        times = [None] * count if times is None else times
        return Segment(
            tuple(map(float, lats)),
            tuple(map(float, lons)),
            tuple(None if e is None else float(e) for e in eles_m),
            tuple(times),
        )

    @staticmethod
    def of(*segments: Segment) -> ParsedTrack:
        """A ParsedTrack holding the segments."""
        return ParsedTrack(name=None, description=None, segments=list(segments), waypoints=[])

    @classmethod
    def line(cls, lat: float, lon: float, azimuth_deg: float, steps_m, eles_m=None, times=None) -> Segment:
        """A segment that starts at (lat, lon) and heads along azimuth_deg, each step the next distance in steps_m."""
        lats, lons = [lat], [lon]
        for step_m in steps_m:
            lon, lat, _ = GEOD.fwd(lon, lat, azimuth_deg, step_m)
            lats.append(lat)
            lons.append(lon)
        return cls.segment(lats, lons, eles_m, times)


@pytest.fixture(scope="session")
def tracks() -> type[Tracks]:
    """The Tracks builder."""
    return Tracks


@pytest.fixture(scope="session")
def assert_valid_gpx11():
    """A check that bytes validate against the official GPX 1.1 XSD; fails (never skips) when the XSD is missing."""
    if not GPX11_XSD.is_file():
        pytest.fail(f"{GPX11_XSD} is missing: {FETCH_HINT}.")
    schema = xmlschema.XMLSchema(str(GPX11_XSD))

    def check(data: bytes) -> None:
        errors = list(schema.iter_errors(io.BytesIO(data)))
        assert not errors, "\n".join(str(error) for error in errors[:3])

    return check
