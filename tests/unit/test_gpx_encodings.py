"""GPX files in any encoding the XML declaration or a byte-order mark names (UTF-8, UTF-16, the GB family) read the
same names and points; bytes that do not match the encoding the file claims are a clear GpxError."""

from __future__ import annotations

import codecs
from xml.sax.saxutils import escape

import pytest

from planner.geo.gpx import GpxError, ParsedTrack, parse_gpx

NAME = "西湖夜跑：断桥到苏堤"
DESCRIPTION = "周三晚上七点半集合，领队：王芳。"
WAYPOINTS = (("断桥残雪", "集合点", 30.2592, 120.1517), ("苏堤南口", "补给", 30.2352, 120.1447))
POINTS = ((30.2592, 120.1517, 8.0, "2030-01-02T11:30:00Z"), (30.2580, 120.1480, 9.5, "2030-01-02T11:31:10Z"),
          (30.2560, 120.1440, 8.2, "2030-01-02T11:32:30Z"))  # fmt: skip
RARE = "𠮷野家旁 🏃 镕"  # a plane-2 ideograph and an emoji (4 bytes in GB18030, surrogates in UTF-16); 镕 is GBK, not GB2312


def document(name: str = NAME, declared: str | None = "UTF-8") -> str:
    """The test track as text, with an XML declaration naming the encoding `declared` (none when None)."""
    prolog = "" if declared is None else f'<?xml version="1.0" encoding="{declared}"?>\n'
    marks = "".join(
        f'<wpt lat="{lat}" lon="{lon}"><name>{escape(n)}</name><desc>{escape(d)}</desc></wpt>'
        for n, d, lat, lon in WAYPOINTS
    )
    points = "".join(
        f'<trkpt lat="{lat}" lon="{lon}"><ele>{ele}</ele><time>{t}</time></trkpt>' for lat, lon, ele, t in POINTS
    )
    return (
        f'{prolog}<gpx version="1.1" creator="测试" xmlns="http://www.topografix.com/GPX/1/1">\n'
        f"<metadata><name>{escape(name)}</name><desc>{escape(DESCRIPTION)}</desc></metadata>\n{marks}\n"
        f"<trk><name>{escape(name)}</name><trkseg>{points}</trkseg></trk>\n</gpx>\n"
    )


def assert_the_same_track(track: ParsedTrack, name: str = NAME) -> None:
    """track holds exactly the test track's names, descriptions and points."""
    assert track.name == name
    assert track.description == DESCRIPTION
    assert [(w.name, w.description, w.lat, w.lon) for w in track.waypoints] == list(WAYPOINTS)
    (segment,) = track.segments
    assert list(zip(segment.lats, segment.lons, segment.eles_m, strict=True)) == [p[:3] for p in POINTS]
    assert [t.isoformat().replace("+00:00", "Z") for t in segment.times] == [p[3] for p in POINTS]


def refused(data: bytes) -> str:
    """parse_gpx's invalid_gpx message for data."""
    with pytest.raises(GpxError) as caught:
        parse_gpx(data)
    assert caught.value.code == "invalid_gpx"
    return str(caught.value)


class TestTheSameTrackInEveryEncoding:
    @pytest.mark.parametrize(
        ("codec", "bom", "declared"),
        [
            ("utf-8", b"", "UTF-8"),
            ("utf-8", b"", "utf8"),
            ("utf-8", b"", None),
            ("utf-8", codecs.BOM_UTF8, "UTF-8"),
            ("utf-8", codecs.BOM_UTF8, None),
            ("utf-16-le", codecs.BOM_UTF16_LE, "UTF-16"),
            ("utf-16-be", codecs.BOM_UTF16_BE, "UTF-16"),
            ("utf-16-le", codecs.BOM_UTF16_LE, None),
            ("utf-16-be", codecs.BOM_UTF16_BE, None),
            ("utf-16-le", b"", "UTF-16LE"),
            ("utf-16-be", b"", "UTF-16BE"),
            ("utf-16-le", b"", "UTF-16"),
            ("gb18030", b"", "GB18030"),
            ("gb18030", b"", "gb18030"),
            ("gbk", b"", "GBK"),
            ("gbk", b"", "cp936"),
            ("gb2312", b"", "gb2312"),
            ("gb2312", b"", "GB2312"),
            ("gb2312", b"", "EUC-CN"),
        ],
    )
    def test_it_reads_the_same_names_and_points(self, codec, bom, declared):
        assert_the_same_track(parse_gpx(bom + document(declared=declared).encode(codec)))

    @pytest.mark.parametrize(
        ("codec", "bom", "declared"),
        [
            ("utf-8", b"", "UTF-8"),
            ("utf-16-le", codecs.BOM_UTF16_LE, "UTF-16"),
            ("utf-16-be", codecs.BOM_UTF16_BE, "UTF-16"),
            ("gb18030", b"", "GB18030"),
        ],
    )
    def test_characters_beyond_the_basic_plane_survive(self, codec, bom, declared):
        track = parse_gpx(bom + document(RARE, declared).encode(codec))
        assert_the_same_track(track, RARE)

    def test_a_file_labelled_gb2312_may_use_gbk_characters_as_real_ones_do(self):
        name = "朱镕基路 夜跑"  # 镕 is in GBK but not in GB2312; editors label such files gb2312 all the same
        with pytest.raises(UnicodeEncodeError):
            name.encode("gb2312")
        assert_the_same_track(parse_gpx(document(name, "gb2312").encode("gbk")), name)

    def test_every_encoding_reads_to_equal_tracks(self):
        tracks = [
            parse_gpx(document(declared=None).encode()),
            parse_gpx(codecs.BOM_UTF16_BE + document(declared="UTF-16").encode("utf-16-be")),
            parse_gpx(document(declared="GB18030").encode("gb18030")),
        ]
        assert tracks[0] == tracks[1] == tracks[2]


class TestBytesThatDoNotMatchTheirEncoding:
    def test_gb18030_bytes_declaring_utf_8(self):
        message = refused(document(declared="UTF-8").encode("gb18030"))
        assert "not valid UTF-8 (the encoding it declares)" in message and "line 2" in message  # creator="测试"

    def test_gb18030_bytes_declaring_nothing_are_read_as_utf_8(self):
        message = refused(document(declared=None).encode("gb18030"))
        assert "not valid UTF-8 (the default when none is declared)" in message and "line 1" in message

    @pytest.mark.parametrize("declared", ["GB18030", "GBK", "gb2312"])
    def test_utf_8_bytes_declaring_a_gb_encoding(self, declared):
        message = refused(document(declared=declared).encode())
        assert f"declares the encoding '{declared}'" in message and "UTF-8" in message

    def test_utf_8_bytes_declaring_utf_16(self):
        message = refused(document(declared="UTF-16").encode())
        assert "declares the encoding 'UTF-16'" in message and "UTF-8" in message

    @pytest.mark.parametrize("declared", ["UTF-8", "GB18030"])
    def test_a_utf_16_byte_order_mark_with_another_declared_encoding(self, declared):
        message = refused(codecs.BOM_UTF16_LE + document(declared=declared).encode("utf-16-le"))
        assert "UTF-16" in message and f"'{declared}'" in message

    def test_a_utf_8_byte_order_mark_declaring_gb18030(self):
        message = refused(codecs.BOM_UTF8 + document(declared="GB18030").encode())
        assert "UTF-8" in message and "'GB18030'" in message

    def test_a_broken_gb18030_sequence(self):
        data = document(declared="GB18030").encode("gb18030").replace("苏堤南口".encode("gb18030"), b"\x81\x20")
        message = refused(data)
        assert "not valid GB18030 (the encoding it declares)" in message and "line 4" in message

    def test_utf_16_cut_in_the_middle_of_a_character(self):
        data = codecs.BOM_UTF16_LE + document(declared="UTF-16").encode("utf-16-le")
        assert "UTF-16" in refused(data[:-1])

    def test_a_byte_no_gb_encoding_has_in_a_file_declaring_gb2312(self):
        data = document(declared="gb2312").encode("gb2312").replace("苏堤".encode("gb2312"), b"\xff\xfe")
        message = refused(data)
        assert "not valid gb2312 (the encoding it declares)" in message and "line 3" in message
