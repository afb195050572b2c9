"""Safe GPX 1.0/1.1 reading, needing nothing from planner but planner.errors' N_ (writing: gpx_export.py).

Reading untrusted bytes happens in three cheap steps; every refusal is a GpxError:

1. the byte cap (code ``file_too_large``), and a check that lxml, if installed, is >= 5 (gpxpy would
   use an older lxml; that raises RuntimeError, since it is a deployment fault, not a bad file);
2. a prolog scan that decodes only the bytes before the root element, in the encoding the
   document really uses (BOM, UTF-16 without BOM, or its XML declaration; the two must agree), and
   refuses anything there but whitespace, comments and processing instructions: a DOCTYPE, so entity
   tricks (billion laughs, external entities) never reach an XML parser;
3. one streaming pyexpat pass, told the encoding step 2 found (UTF-8 and UTF-16 as bytes, any other
   encoding decoded by Python first: expat itself reads no multi-byte legacy encoding such as
   GB18030), that keeps only points, elevations, times, names and descriptions, validates every value
   as it arrives, and stops at the point cap (code ``invalid_gpx``, like every refusal but the byte
   cap). Its DOCTYPE/ENTITY handlers raise too, as a second line of defence.
"""

from __future__ import annotations

import codecs
import functools
import importlib.metadata
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pyexpat import ExpatError, ParserCreate
from pyexpat import errors as expat_errors
from typing import Any, Literal

from planner.errors import N_, english

GPX10_NS = "http://www.topografix.com/GPX/1/0"
GPX11_NS = "http://www.topografix.com/GPX/1/1"
_GPX_NAMESPACES = (GPX10_NS, GPX11_NS, "")  # "" = no namespace, which real apps emit
_CHUNK_BYTES = 1 << 20
_PROLOG_FIRST_BYTES = 4096
_MAX_ABS_ELE_M = 100_000.0
_SAFE_ENCODINGS = re.compile(r"utf-8|utf-16(-le|-be)?|ascii|iso8859-\d+|cp125\d|gb18030|gbk|gb2312")
_EXPAT_READS = {"utf-8": "UTF-8", "utf-16-le": "UTF-16LE", "utf-16-be": "UTF-16BE"}  # the rest is decoded first
_READ_AS = {"gbk": "gb18030", "gb2312": "gb18030"}  # as browsers do: files labelled GB2312 or GBK use more
_BYTE_MARKS = (
    (codecs.BOM_UTF8, "utf-8", 3), (b"\xff\xfe", "utf-16-le", 2), (b"\xfe\xff", "utf-16-be", 2),
    (b"<\x00", "utf-16-le", 0), (b"\x00<", "utf-16-be", 0),
)  # fmt: skip
_XML_DECL_ENCODING = re.compile(r"<\?xml[^>]*?\sencoding\s*=\s*[\"']([A-Za-z][A-Za-z0-9._\-]{0,39})[\"']")
_PROLOG_SKIP = re.compile(r"(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.S)
UTC = UTC
_NOT_XML = N_("This is not an XML document (a GPX file starts with '<?xml' or '<gpx').")
_DECLARATION_REFUSED = N_(
    "The file contains a DOCTYPE or ENTITY declaration, which GPX files never need; refused for safety."
)
# A byte the document's encoding cannot decode, by where that encoding came from (_Encoding.source).
_UNDECODABLE_DECLARED = N_(
    "The file is not valid %(encoding)s (the encoding it declares): byte %(byte)s on line %(line)s cannot be "
    "decoded. Save it again as UTF-8."
)
_UNDECODABLE_MARKED = N_(
    "The file is not valid %(encoding)s (as its first bytes say): byte %(byte)s on line %(line)s cannot be "
    "decoded. Save it again as UTF-8."
)
_UNDECODABLE_DEFAULT = N_(
    "The file is not valid %(encoding)s (the default when none is declared): byte %(byte)s on line %(line)s "
    "cannot be decoded. Save it again as UTF-8."
)
# A bad value of a track/route point or of a waypoint: %(number)s and %(line)s say which one.
_POINT_NO_COORDINATE = N_("Track/route point %(number)s (line %(line)s): the %(key)s attribute is missing.")
_WAYPOINT_NO_COORDINATE = N_("Waypoint %(number)s (line %(line)s): the %(key)s attribute is missing.")
_POINT_COORDINATE_NAN = N_("Track/route point %(number)s (line %(line)s): %(key)s=%(value)s is not a number.")
_WAYPOINT_COORDINATE_NAN = N_("Waypoint %(number)s (line %(line)s): %(key)s=%(value)s is not a number.")
_POINT_COORDINATE_RANGE = N_(
    "Track/route point %(number)s (line %(line)s): %(key)s=%(value)s is not a number between -%(limit)s and %(limit)s."
)
_WAYPOINT_COORDINATE_RANGE = N_(
    "Waypoint %(number)s (line %(line)s): %(key)s=%(value)s is not a number between -%(limit)s and %(limit)s."
)
_POINT_ELEVATION_NAN = N_("Track/route point %(number)s (line %(line)s): elevation %(value)s is not a number.")
_WAYPOINT_ELEVATION_NAN = N_("Waypoint %(number)s (line %(line)s): elevation %(value)s is not a number.")
_POINT_ELEVATION_RANGE = N_(
    "Track/route point %(number)s (line %(line)s): elevation %(value)s is not a finite number of metres."
)
_WAYPOINT_ELEVATION_RANGE = N_(
    "Waypoint %(number)s (line %(line)s): elevation %(value)s is not a finite number of metres."
)
_POINT_TIME = N_("Track/route point %(number)s (line %(line)s): time %(value)s is not a valid ISO 8601 time.")


@dataclass(frozen=True)
class _Encoding:
    """How a document's bytes are read: the Python codec, the bytes before the first character (a BOM), and
    how messages name the encoding and where it came from."""

    codec: str
    offset: int
    label: str
    source: Literal["declared", "marked", "default"]  # declared by the document, marked by a BOM or UTF-16 bytes


class GpxError(ValueError):
    """Bad or hostile GPX; .code is "invalid_gpx" or "file_too_large", str(e) the English sentence saying what is wrong.

    Like planner.errors.ServiceError, it keeps the N_-marked English template (.template) and its parameters
    (.params), so whoever shows it can put it in the reader's language."""

    def __init__(self, message: str, /, *, code: str = "invalid_gpx", **params: Any):
        super().__init__(english(message, params))
        self.code = code
        self.template = message
        self.params = params


@dataclass(frozen=True, slots=True)
class Waypoint:
    """A named point of interest (``<wpt>``)."""

    lat: float
    lon: float
    ele_m: float | None
    name: str | None
    description: str | None


@dataclass(frozen=True, slots=True)
class Segment:
    """One ``<trkseg>`` or one ``<rte>``: parallel tuples with one entry per point, in order.

    lats, lons: WGS84 degrees; eles_m: metres or None; times: aware UTC datetimes or None.
    """

    lats: tuple[float, ...]
    lons: tuple[float, ...]
    eles_m: tuple[float | None, ...]
    times: tuple[datetime | None, ...]

    def __post_init__(self) -> None:
        if not len(self.lats) == len(self.lons) == len(self.eles_m) == len(self.times):
            raise ValueError("a Segment needs as many lons, eles_m and times as lats")

    def __len__(self) -> int:
        return len(self.lats)


@dataclass(frozen=True)
class ParsedTrack:
    """What planner keeps from a GPX file: names, track/route segments and waypoints."""

    name: str | None
    description: str | None
    segments: list[Segment]
    waypoints: list[Waypoint]

    @property
    def point_count(self) -> int:
        """Number of track and route points (waypoints not included)."""
        return sum(len(segment) for segment in self.segments)


def parse_gpx(data: bytes, *, max_bytes: int = 20_000_000, max_points: int = 200_000) -> ParsedTrack:
    """Parse untrusted GPX bytes into a ParsedTrack, or raise GpxError saying what is wrong."""
    _require_safe_lxml()
    data = bytes(data) if isinstance(data, (bytearray, memoryview)) else data
    if not isinstance(data, bytes):
        raise TypeError(f"parse_gpx needs bytes, not {type(data).__name__}")
    if len(data) > max_bytes:
        raise GpxError(
            N_("The file is %(size)s bytes; the limit is %(limit)s bytes."),
            code="file_too_large",
            size=f"{len(data):,}",
            limit=f"{max_bytes:,}",
        )
    if not data.strip():
        raise GpxError(N_("The file is empty: it is not an XML document."))
    encoding = _check_prolog(data)
    reader = _GpxReader(max_points, _EXPAT_READS.get(encoding.codec, "UTF-8"))
    try:
        for chunk in _chunks(data, encoding):
            reader.parser.Parse(chunk, False)
        reader.parser.Parse(b"", True)
    except ExpatError as err:
        raise _explain_expat_error(err, data, encoding) from None
    return reader.result()


def _chunks(data: bytes, encoding: _Encoding) -> Iterator[bytes | memoryview | str]:
    """The document after its BOM in pieces for expat: bytes in UTF-8 or UTF-16, else text Python decoded."""
    if encoding.codec in _EXPAT_READS:
        view = memoryview(data)
        for offset in range(encoding.offset, len(data), _CHUNK_BYTES):
            yield view[offset : offset + _CHUNK_BYTES]
        return
    text = _decoded(data, encoding)
    for offset in range(0, len(text), _CHUNK_BYTES):
        yield text[offset : offset + _CHUNK_BYTES]  # pyexpat hands text to expat as UTF-8


def _decoded(data: bytes, encoding: _Encoding) -> str:
    """The text of a document in an encoding expat does not read itself."""
    try:
        return data[encoding.offset :].decode(encoding.codec)
    except UnicodeDecodeError:
        raise _encoding_error(data, encoding) or GpxError(_NOT_XML) from None


def _refuse_utf_8_behind_a_legacy_declaration(data: bytes, encoding: _Encoding) -> None:
    """Refuse non-ASCII UTF-8 bytes declared as a legacy encoding: read as declared, they would be mojibake."""
    if encoding.codec in (*_EXPAT_READS, "ascii") or data.isascii():
        return
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return  # real legacy text is practically never valid UTF-8 too
    raise GpxError(
        N_(
            "The file declares the encoding '%(label)s', but its bytes are UTF-8: change the declaration to "
            'encoding="UTF-8".'
        ),
        label=encoding.label,
    )


@functools.cache
def _lxml_version() -> str | None:
    """Installed lxml version, or None (not imported: planner's own parser never uses lxml)."""
    try:
        return importlib.metadata.version("lxml")
    except importlib.metadata.PackageNotFoundError:
        return None


def _require_safe_lxml() -> None:
    """Refuse to run beside lxml < 5: gpxpy prefers lxml, and older lxml resolves entities."""
    version = _lxml_version()
    if version is None:
        return
    major = re.match(r"\d*", version)
    assert major is not None  # \d* matches every string, if only with an empty match
    if int(major.group() or 0) < 5:
        raise RuntimeError(f"lxml {version} is installed; planner requires lxml >= 5 (or no lxml) to read GPX.")


def _document_encoding(data: bytes) -> _Encoding:
    """How to read data: its BOM or UTF-16 sniffing, and its XML declaration, which must agree when both exist."""
    marked, offset = next(((codec, skip) for start, codec, skip in _BYTE_MARKS if data.startswith(start)), ("", 0))
    first = "UTF-16" if marked.startswith("utf-16") else "UTF-8"
    declared = _XML_DECL_ENCODING.match(data[offset : offset + 512].decode(marked or "utf-8", "replace"))
    if declared is None:
        return _Encoding(marked or "utf-8", offset, first, "marked" if marked else "default")
    label = declared.group(1)
    try:
        named = codecs.lookup(label).name
    except LookupError:
        named = ""
    if not _SAFE_ENCODINGS.fullmatch(named):
        raise GpxError(
            N_("The file declares the encoding '%(label)s', which is not supported; save it as UTF-8."), label=label
        )
    if marked and not (named == marked or (named == "utf-16" and first == "UTF-16")):
        raise GpxError(
            N_(
                "The file's first bytes mark it as %(marked)s, but it declares the encoding '%(label)s'; the two "
                "must agree. Save it again as UTF-8."
            ),
            marked=first,
            label=label,
        )
    if not marked and named.startswith("utf-16"):
        raise GpxError(
            N_(
                "The file declares the encoding '%(label)s', but its bytes are not UTF-16 (they read as UTF-8 or "
                'another 8-bit encoding): change the declaration to the encoding it is saved in, such as "UTF-8".'
            ),
            label=label,
        )
    return _Encoding(marked or _READ_AS.get(named, named), offset, label, "declared")


def _check_prolog(data: bytes) -> _Encoding:
    """Allow only whitespace, comments and processing instructions before the root element; the encoding read."""
    encoding = _document_encoding(data)
    _refuse_utf_8_behind_a_legacy_declaration(data, encoding)
    codec, offset = encoding.codec, encoding.offset
    if not data[offset : offset + 64].decode(codec, "replace").lstrip().startswith("<"):
        raise GpxError(_NOT_XML)
    decoder = codecs.getincrementaldecoder(codec)("strict")
    pending, size = "", _PROLOG_FIRST_BYTES
    while True:
        chunk, offset = data[offset : offset + size], offset + size
        try:
            pending += decoder.decode(chunk, final=offset >= len(data))
        except UnicodeDecodeError:
            raise _encoding_error(data, encoding) or GpxError(_NOT_XML) from None
        skipped = _PROLOG_SKIP.match(pending)
        assert skipped is not None  # a starred group matches every string, if only with an empty match
        pending = pending[skipped.end() :]
        if pending.startswith("<!") and not "<!--".startswith(pending[:4]):
            html = pending[:14].lower() == "<!doctype html"
            raise GpxError(N_("This is an HTML page, not a GPX file.") if html else _DECLARATION_REFUSED)
        if pending[:1] == "<" and pending[1:2] not in ("", "?", "!"):
            return encoding
        if offset >= len(data) or (pending and not pending.startswith("<")):
            raise GpxError(_NOT_XML)
        size *= 2  # an unfinished comment or PI: read on, doubling so a huge prolog stays linear


def _encoding_error(data: bytes, encoding: _Encoding) -> GpxError | None:
    """An error naming the first byte that is not valid in the document's encoding, or None if all are."""
    body = data[encoding.offset :]
    try:
        body.decode(encoding.codec)
    except UnicodeDecodeError as err:
        line = body[: err.start].decode(encoding.codec).count("\n") + 1
        source = encoding.source
        return GpxError(
            _UNDECODABLE_DECLARED
            if source == "declared"
            else _UNDECODABLE_MARKED
            if source == "marked"
            else _UNDECODABLE_DEFAULT,
            encoding=encoding.label,
            byte=f"{encoding.offset + err.start:,}",
            line=line,
        )
    return None


def _explain_expat_error(err: ExpatError, data: bytes, encoding: _Encoding) -> GpxError:
    """Turn a pyexpat error into a GpxError a person can act on."""
    message = expat_errors.messages[err.code]
    if message == expat_errors.XML_ERROR_NO_ELEMENTS:
        return GpxError(N_("This is not an XML document: it has no root element."))
    undecodable = _encoding_error(data, encoding) if encoding.codec in _EXPAT_READS else None
    if undecodable is not None:  # expat meets bad bytes as a bad token or a cut character
        return undecodable
    if message in (expat_errors.XML_ERROR_UNKNOWN_ENCODING, expat_errors.XML_ERROR_INCORRECT_ENCODING):
        return GpxError(
            N_("The file's declared encoding cannot be used (%(problem)s); save it as UTF-8."), problem=message
        )
    return GpxError(
        N_("The file is not well-formed XML: %(problem)s at line %(line)s, column %(column)s."),
        problem=message,
        line=err.lineno,
        column=err.offset + 1,
    )


_STRUCTURE = {
    ("gpx", "metadata"): "metadata", ("gpx", "trk"): "trk", ("trk", "trkseg"): "seg", ("seg", "trkpt"): "pt",
    ("gpx", "rte"): "rte", ("rte", "rtept"): "pt", ("gpx", "wpt"): "wpt",
}  # fmt: skip
_TEXT = {
    ("metadata", "name"): "doc_name", ("metadata", "desc"): "doc_desc", ("gpx", "name"): "doc_name",
    ("gpx", "desc"): "doc_desc", ("trk", "name"): "trk_name", ("trk", "desc"): "trk_desc",
    ("rte", "name"): "rte_name", ("rte", "desc"): "rte_desc", ("pt", "ele"): "pt_ele", ("pt", "time"): "pt_time",
    ("wpt", "ele"): "wpt_ele", ("wpt", "name"): "name", ("wpt", "desc"): "description",
}  # fmt: skip


class _GpxReader:
    """pyexpat callbacks that keep only what a ParsedTrack needs, validating each value as it arrives.

    A stack holds the role of every open element ("trk", "seg", "pt", "pt_ele", ... or None for
    anything ignored, such as <extensions> and all it holds). An element gets a role only inside a
    parent with the right role, so look-alike elements inside vendor extensions are never read.
    """

    def __init__(self, max_points: int, encoding: str = "UTF-8"):
        self.parser = parser = ParserCreate(encoding, namespace_separator=" ")
        parser.buffer_text, parser.buffer_size = True, 1 << 16
        parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = self._refuse_declaration
        parser.StartElementHandler, parser.EndElementHandler = self._root, self._end
        self.max_points, self.point_no, self.waypoint_no = max_points, 0, 0
        self.starts: dict[tuple[str | None, str], tuple[str, Callable[[dict], None]]] = {}
        self.ends: dict[str, Callable[[str], None]]
        self.ends = {"seg": self._end_segment, "rte": self._end_segment, "wpt": self._end_waypoint,
                     "pt_ele": self._end_point_ele, "pt_time": self._end_point_time}  # fmt: skip
        self.stack: list[str | None] = []  # role of each open element
        self.text: list[str] = []
        self.labels: dict[str, str] = {}  # first non-empty doc/trk/rte name and desc
        self.segment: tuple[list, list, list, list] = ([], [], [], [])  # lats, lons, eles_m, times being read
        self.segments: dict[str, list[Segment]] = {"seg": [], "rte": []}
        self.waypoint: dict[str, Any] = {}  # Waypoint fields being read
        self.waypoints: list[Waypoint] = []

    def _refuse_declaration(self, *_args) -> None:
        raise GpxError(_DECLARATION_REFUSED)

    def _root(self, name: str, _attrs: dict) -> None:
        ns, _, local = name.rpartition(" ")
        if local != "gpx":
            raise GpxError(N_("The root element is %(element)s, expected gpx: this is not a GPX file."), element=local)
        if ns not in _GPX_NAMESPACES:
            raise GpxError(
                N_("The root element is gpx in the namespace %(namespace)s, expected GPX 1.0 or 1.1."),
                namespace=repr(ns),
            )
        prefix = f"{ns} " if ns else ""
        begin = {"pt": self._start_point, "wpt": self._start_waypoint, "seg": self._start_segment,
                 "rte": self._start_segment, "trk": _ignore, "metadata": _ignore}  # fmt: skip
        for (parent, local), role in _STRUCTURE.items():
            self.starts[parent, prefix + local] = (role, begin[role])
        for (parent, local), role in _TEXT.items():
            self.starts[parent, prefix + local] = (role, self._start_text)
            self.ends.setdefault(role, self._end_waypoint_text if parent == "wpt" else self._end_label)
        self.stack.append("gpx")
        self.parser.StartElementHandler = self._start

    def _start(self, name: str, attrs: dict) -> None:
        entry = self.starts.get((self.stack[-1], name))
        if entry is None:
            self.stack.append(None)
        else:
            self.stack.append(entry[0])
            entry[1](attrs)

    def _end(self, _name: str) -> None:
        role = self.stack.pop()
        if role is None:  # an ignored element
            return
        finish = self.ends.get(role)
        if finish is not None:
            finish(role)

    def _start_text(self, _attrs: dict) -> None:
        self.text.clear()
        self.parser.CharacterDataHandler = self.text.append

    def _take_text(self) -> str:
        self.parser.CharacterDataHandler = None
        return "".join(self.text).strip()

    def _end_label(self, role: str) -> None:
        text = self._take_text()
        if text:
            self.labels.setdefault(role, text)

    def _start_segment(self, _attrs: dict) -> None:
        self.segment = ([], [], [], [])

    def _end_segment(self, role: str) -> None:
        lats, lons, eles_m, times = self.segment
        if lats:
            self.segments[role].append(Segment(tuple(lats), tuple(lons), tuple(eles_m), tuple(times)))

    def _start_point(self, attrs: dict) -> None:
        self.point_no += 1
        lat, lon = self._lat_lon(attrs, "point")
        lats, lons, eles_m, times = self.segment
        lats.append(lat)
        lons.append(lon)
        eles_m.append(None)
        times.append(None)

    def _end_point_ele(self, _role: str) -> None:
        self.segment[2][-1] = self._elevation(self._take_text(), "point")

    def _end_point_time(self, _role: str) -> None:
        text = self._take_text()
        self.segment[3][-1] = self._time(text) if text else None

    def _start_waypoint(self, attrs: dict) -> None:
        self.waypoint_no += 1
        lat, lon = self._lat_lon(attrs, "waypoint")
        self.waypoint = {"lat": lat, "lon": lon, "ele_m": None, "name": None, "description": None}

    def _end_waypoint_text(self, role: str) -> None:
        text = self._take_text()
        if role == "wpt_ele":
            self.waypoint["ele_m"] = self._elevation(text, "waypoint")
        else:
            self.waypoint[role] = text or None

    def _end_waypoint(self, _role: str) -> None:
        self.waypoints.append(Waypoint(**self.waypoint))

    def _where(self, kind: str) -> dict[str, str]:
        """The number and line of the point or waypoint just counted, as an error message's parameters."""
        number = self.point_no if kind == "point" else self.waypoint_no
        return {"number": f"{number:,}", "line": f"{self.parser.CurrentLineNumber:,}"}

    def _lat_lon(self, attrs: dict, kind: str) -> tuple[float, float]:
        """Checked (lat, lon) of the point or waypoint just counted, enforcing the point cap."""
        if self.point_no + self.waypoint_no > self.max_points:
            raise GpxError(
                N_("The file has more than %(max)s points, the most planner accepts."), max=f"{self.max_points:,}"
            )
        try:
            lat, lon = float(attrs["lat"]), float(attrs["lon"])
        except (KeyError, ValueError):
            lat = lon = math.nan
        if -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0:  # False for NaN too
            return lat, lon
        error = self._coordinate_error(attrs, "lat", 90.0, kind) or self._coordinate_error(attrs, "lon", 180.0, kind)
        assert error is not None  # a lat or lon outside its range (or NaN) always has a problem to name
        raise error

    def _coordinate_error(self, attrs: dict, key: str, limit: float, kind: str) -> GpxError | None:
        """What is wrong with the lat or lon attribute of the point or waypoint just counted, or None."""
        point, text = kind == "point", attrs.get(key)
        if text is None:
            return GpxError(_POINT_NO_COORDINATE if point else _WAYPOINT_NO_COORDINATE, key=key, **self._where(kind))
        value = repr(text[:40])
        try:
            number = float(text)
        except ValueError:
            return GpxError(
                _POINT_COORDINATE_NAN if point else _WAYPOINT_COORDINATE_NAN, key=key, value=value, **self._where(kind)
            )
        if abs(number) <= limit:
            return None
        return GpxError(
            _POINT_COORDINATE_RANGE if point else _WAYPOINT_COORDINATE_RANGE,
            key=key,
            value=value,
            limit=f"{limit:g}",
            **self._where(kind),
        )

    def _elevation(self, text: str, kind: str) -> float | None:
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            raise GpxError(
                _POINT_ELEVATION_NAN if kind == "point" else _WAYPOINT_ELEVATION_NAN,
                value=repr(text[:40]),
                **self._where(kind),
            ) from None
        if not abs(value) <= _MAX_ABS_ELE_M:
            raise GpxError(
                _POINT_ELEVATION_RANGE if kind == "point" else _WAYPOINT_ELEVATION_RANGE,
                value=repr(text[:40]),
                **self._where(kind),
            )
        return value

    def _time(self, text: str) -> datetime:
        """ISO 8601 (Z, offsets, fractions; no offset means UTC) to an aware UTC datetime."""
        try:
            value = datetime.fromisoformat(text)
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        except (ValueError, OverflowError):
            raise GpxError(_POINT_TIME, value=repr(text[:40]), **self._where("point")) from None

    def result(self) -> ParsedTrack:
        """The ParsedTrack, once the whole document has been read."""
        segments = self.segments["seg"] + self.segments["rte"]
        count = sum(len(segment) for segment in segments)
        if count < 2:
            raise GpxError(
                N_("The file has no track or route points; a route needs at least 2.")
                if count == 0
                else N_("The file has only one track/route point; a route needs at least 2.")
            )
        labels = self.labels
        return ParsedTrack(
            name=labels.get("doc_name") or labels.get("trk_name") or labels.get("rte_name"),
            description=labels.get("doc_desc") or labels.get("trk_desc") or labels.get("rte_desc"),
            segments=segments,
            waypoints=self.waypoints,
        )


def _ignore(_attrs: dict) -> None:
    """Start callback for elements that only give their children a context."""
