"""The safety gate of parse_gpx: hostile and non-GPX input is refused quickly, with a useful message."""

from __future__ import annotations

import codecs
import time

import pytest

from planner.geo import gpx as gpx_module
from planner.geo.gpx import GpxError, parse_gpx

TWO_POINTS = '<trk><trkseg><trkpt lat="1" lon="2"/><trkpt lat="1.1" lon="2.1"/></trkseg></trk>'
BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE gpx [\n<!ENTITY lol "lol">\n'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">\n' for i in range(1, 10))
    + ']>\n<gpx xmlns="http://www.topografix.com/GPX/1/1"><trk><name>&lol9;</name><trkseg>'
    '<trkpt lat="1" lon="2"/><trkpt lat="1.1" lon="2.1"/></trkseg></trk></gpx>'
).encode()
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?>\n<!DOCTYPE gpx [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    b'<gpx xmlns="http://www.topografix.com/GPX/1/1"><trk><name>&x;</name><trkseg>'
    b'<trkpt lat="1" lon="2"/><trkpt lat="1.1" lon="2.1"/></trkseg></trk></gpx>'
)
DOCTYPE_REFUSED = "DOCTYPE or ENTITY declaration"


def refused(data: bytes, code: str = "invalid_gpx", **limits) -> str:
    """Assert parse_gpx raises GpxError with `code` within a second; return its message."""
    started = time.perf_counter()
    with pytest.raises(GpxError) as caught:
        parse_gpx(data, **limits)
    assert time.perf_counter() - started < 1.0
    assert caught.value.code == code
    return str(caught.value)


class TestParseGpx:
    def test_it_rejects_the_billion_laughs(self):
        assert DOCTYPE_REFUSED in refused(BILLION_LAUGHS)

    def test_it_rejects_an_external_entity_without_reading_it(self):
        message = refused(EXTERNAL_ENTITY)
        assert DOCTYPE_REFUSED in message
        assert "root:" not in message

    def test_it_rejects_a_plain_doctype(self, gpx):
        assert DOCTYPE_REFUSED in refused(gpx.document(TWO_POINTS, prolog='<?xml version="1.0"?><!DOCTYPE gpx>'))

    @pytest.mark.parametrize("codec, bom", [
        ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-16-le", b""),
        ("utf-16-be", b""), ("utf-8", codecs.BOM_UTF8),
    ])  # fmt: skip
    def test_it_rejects_a_doctype_behind_a_bom_or_in_utf_16(self, codec, bom):
        text = BILLION_LAUGHS.decode().replace('<?xml version="1.0"?>', f'<?xml version="1.0" encoding="{codec[:6]}"?>')
        assert DOCTYPE_REFUSED in refused(bom + text.encode(codec))

    def test_it_rejects_a_doctype_after_whitespace_comments_and_processing_instructions(self):
        prolog = b'<?xml version="1.0"?>\n  <!-- a <gpx> in a comment -->\n<?style x?>\n\t<!-- - -->'
        assert DOCTYPE_REFUSED in refused(prolog + BILLION_LAUGHS.split(b"?>", 1)[1])

    def test_it_rejects_a_doctype_after_a_comment_longer_than_the_first_read(self):
        assert DOCTYPE_REFUSED in refused(b"<!--" + b"x" * 100_000 + b"-->" + EXTERNAL_ENTITY.split(b"?>", 1)[1])

    @pytest.mark.parametrize("declaration", [b"<!doctype gpx>", b"<!ENTITY x 'y'>"])
    def test_it_rejects_any_other_markup_declaration_before_the_root(self, declaration, gpx):
        data = declaration + gpx.document(TWO_POINTS, prolog="")
        assert DOCTYPE_REFUSED in refused(data)

    def test_it_tells_an_html_page_apart(self):
        assert "HTML page" in refused(b"<!DOCTYPE html>\n<html><head><title>x</title></head><body></body></html>")

    def test_it_names_the_root_of_html_without_a_doctype(self):
        assert "root element is html, expected gpx" in refused(b"<html><body><p>Hello</p></body></html>")

    def test_it_names_a_kml_root(self):
        kml = b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document/></kml>'
        assert "root element is kml, expected gpx" in refused(kml)

    def test_it_rejects_gpx_in_a_foreign_namespace(self, gpx):
        assert "namespace 'urn:x'" in refused(gpx.document(TWO_POINTS, ns="urn:x"))

    @pytest.mark.parametrize("data", [b"hello world", b'{"type": "FeatureCollection"}', b"PK\x03\x04\x14\x00",
                                      b"\x00\x01\x02\x03", b"\xff\xd8\xff\xe0 JFIF"])  # fmt: skip
    def test_it_rejects_what_is_not_xml(self, data):
        assert "not an XML document" in refused(data)

    @pytest.mark.parametrize("data", [b"", b"  \n\t "])
    def test_it_rejects_an_empty_file(self, data):
        assert "empty" in refused(data)

    def test_it_rejects_a_prolog_without_a_root(self):
        assert "not an XML document" in refused(b'<?xml version="1.0"?>\n<!-- nothing -->\n')

    def test_it_rejects_20_mb_plus_one_byte_before_parsing(self, gpx):
        data = gpx.document(TWO_POINTS)
        data += b" " * (20_000_001 - len(data))
        message = refused(data, code="file_too_large")
        assert "20,000,001 bytes" in message and "20,000,000" in message

    def test_it_accepts_exactly_the_size_limit(self, gpx):
        data = gpx.document(TWO_POINTS)
        assert parse_gpx(data, max_bytes=len(data)).point_count == 2
        assert "limit" in refused(data, code="file_too_large", max_bytes=len(data) - 1)

    def test_it_rejects_200_001_points(self, gpx):
        points = "".join(f'<trkpt lat="{i % 80}.5" lon="{i % 170}.25"/>' for i in range(200_001))
        message = refused(gpx.document(f"<trk><trkseg>{points}</trkseg></trk>"))
        assert "200,000 points" in message

    def test_it_counts_waypoints_towards_the_point_cap(self, gpx):
        data = gpx.document(gpx.points([(1, 2)] * 3, tag="wpt") + TWO_POINTS)
        assert parse_gpx(data, max_points=5).point_count == 2
        assert "4 points" in refused(data, max_points=4)

    def test_it_names_latin_1_bytes_in_a_document_declaring_utf_8(self, gpx):
        data = gpx.document("<metadata><name>Z\u00fcrich</name></metadata>" + TWO_POINTS).replace(b"\xc3\xbc", b"\xfc")
        message = refused(data)
        assert "not valid UTF-8" in message and "line 2" in message and "Save it again as UTF-8" in message

    def test_it_names_bytes_invalid_in_the_prolog(self):
        assert "not valid UTF-8" in refused(b'<?xml version="1.0"?><!-- \xff\xfe --><gpx/>')

    @pytest.mark.parametrize("encoding", ["utf-7", "hex", "zlib", "EBCDIC-CP-US", "shift_jis", "no-such-codec"])
    def test_it_refuses_exotic_declared_encodings(self, encoding, gpx):
        message = refused(gpx.document(TWO_POINTS, prolog=f'<?xml version="1.0" encoding="{encoding}"?>'))
        assert f"encoding {encoding!r}" in message and "not supported" in message

    def test_it_reports_where_a_document_stops_being_well_formed(self, gpx):
        data = gpx.document(TWO_POINTS)
        assert "not well-formed XML" in refused(data[:-10])
        assert "line 3" in refused(data.replace(b"<trk>", b"<trk>\n<a></b>"))

    def test_it_rejects_an_undeclared_entity_reference(self, gpx):
        assert "not well-formed XML" in refused(gpx.document("<metadata><name>&x;</name></metadata>" + TWO_POINTS))

    def test_it_refuses_to_run_beside_lxml_older_than_5(self, gpx, monkeypatch):
        monkeypatch.setattr(gpx_module, "_lxml_version", lambda: "4.9.4")
        with pytest.raises(RuntimeError, match=r"lxml 4\.9\.4 is installed; planner requires lxml >= 5"):
            parse_gpx(gpx.document(TWO_POINTS))

    @pytest.mark.parametrize("version", [None, "5.0.0", "6.0.2"])
    def test_it_runs_without_lxml_or_with_lxml_5_or_newer(self, version, gpx, monkeypatch):
        monkeypatch.setattr(gpx_module, "_lxml_version", lambda: version)
        assert parse_gpx(gpx.document(TWO_POINTS)).point_count == 2
