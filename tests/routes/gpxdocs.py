"""Small GPX documents and hostile files for the route tests."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "sample_routes").glob("*.gpx"))
NS = "http://www.topografix.com/GPX/1/1"


def gpx_doc(
    points=((30.25, 120.15, 10.0), (30.26, 120.16, 20.0), (30.27, 120.17, 15.0)), *, name="Test route", extra="", ns=NS
) -> bytes:
    """A GPX 1.1 track of (lat, lon, ele) points."""
    pts = "".join(f'<trkpt lat="{lat}" lon="{lon}"><ele>{ele}</ele></trkpt>' for lat, lon, ele in points)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><gpx version="1.1" creator="t" xmlns="{ns}">{extra}'
        f"<trk><name>{name}</name><trkseg>{pts}</trkseg></trk></gpx>"
    ).encode()


def many_points(n: int) -> bytes:
    """A track of n points."""
    return gpx_doc([(30 + i * 1e-5, 120 + i * 1e-5, 5.0) for i in range(n)])


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<gpx version="1.1" creator="x" xmlns="http://www.topografix.com/GPX/1/1"><trk><name>&lol3;</name><trkseg>
<trkpt lat="1" lon="1"/><trkpt lat="1.1" lon="1.1"/></trkseg></trk></gpx>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE gpx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<gpx version="1.1" creator="x" xmlns="http://www.topografix.com/GPX/1/1"><trk><name>&xxe;</name><trkseg>
<trkpt lat="1" lon="1"/><trkpt lat="1.1" lon="1.1"/></trkseg></trk></gpx>"""

KML = b"""<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Placemark><LineString><coordinates>120,30,0 120.1,30.1,0</coordinates></LineString></Placemark></Document></kml>"""

ATTACKS = {
    "billion_laughs": (BILLION_LAUGHS, 400),
    "external_entity": (EXTERNAL_ENTITY, 400),
    "kml_root": (KML, 400),
    "html": (b"<!doctype html><html><body>hello</body></html>", 400),
    "not_xml": (b"lat,lon\n30,120\n", 400),
    "empty": (b"", 400),
    "one_point": (gpx_doc([(30.0, 120.0, 1.0)]), 400),
    "nan": (gpx_doc([(30.0, 120.0, 1.0)]).replace(b'lat="30.0"', b'lat="NaN"'), 400),
    "infinite": (gpx_doc().replace(b'lon="120.15"', b'lon="inf"'), 400),
    "lat_91": (gpx_doc().replace(b'lat="30.25"', b'lat="91"'), 400),
    "bad_offset": (
        gpx_doc().replace(b"<ele>10.0</ele>", b"<ele>10.0</ele><time>2025-05-01T08:00:00+99:99</time>"),
        400,
    ),
    "latin1_in_utf8": (gpx_doc(name="Caf\u00e9").replace("Café".encode(), "Café".encode("latin-1")), 400),
    "too_many_points": (many_points(200_001), 400),
}
