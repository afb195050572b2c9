"""GPX 1.1 writing: documents that validate against the official GPX 1.1 XSD (no dependency on the rest of planner)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal

from planner.geo.gpx import GPX11_NS, Segment, Waypoint

UTC = UTC
# Characters XML 1.0 cannot carry; dropped from names and descriptions.
_NOT_XML_CHARS = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def build_gpx(
    name: str | None, segments: Sequence[Segment], waypoints: Iterable[Waypoint] = (), description: str | None = None
) -> bytes:
    """GPX 1.1 document (creator="planner") that validates against the official GPX 1.1 XSD."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="planner" '
        f'xmlns="{GPX11_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{GPX11_NS} http://www.topografix.com/GPX/1/1/gpx.xsd">\n'
    ]
    labels = _element("name", name) + _element("desc", description)
    if labels:
        parts.append(f"<metadata>{labels}</metadata>\n")
    for point in waypoints:
        parts.append(f"<wpt {_lat_lon_attributes(point.lat, point.lon)}>{_ele(point.ele_m)}")
        parts.append(f"{_element('name', point.name)}{_element('desc', point.description)}</wpt>\n")
    if segments:
        parts.append(f"<trk>{labels}\n")
        for segment in segments:
            parts.append("<trkseg>\n")
            parts.extend(map(_trkpt, segment.lats, segment.lons, segment.eles_m, segment.times))
            parts.append("</trkseg>\n")
        parts.append("</trk>\n")
    parts.append("</gpx>\n")
    return "".join(parts).encode("utf-8")


def _element(tag: str, text: str | None) -> str:
    """<tag>text</tag> with XML escaping and characters XML 1.0 cannot carry removed, or "" for no text."""
    if not text:
        return ""
    clean = _NOT_XML_CHARS.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<{tag}>{clean.replace(chr(13), '&#13;')}</{tag}>"


def _decimal(value: float) -> str:
    """Shortest exact xsd:decimal text for a finite value (no exponent)."""
    if not math.isfinite(value):
        raise ValueError(f"GPX numbers must be finite, not {value!r}")
    text = repr(float(value))
    return format(Decimal(text), "f") if "e" in text else text


def _lat_lon_attributes(lat: float, lon: float) -> str:
    """lat/lon attributes; lon 180 is written as -180 (the XSD excludes 180)."""
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise ValueError(f"coordinates out of range: lat={lat!r}, lon={lon!r}")
    return f'lat="{_decimal(lat)}" lon="{_decimal(-180.0 if lon == 180.0 else lon)}"'


def _ele(ele_m: float | None) -> str:
    """<ele> element, or "" when unknown."""
    return "" if ele_m is None else f"<ele>{_decimal(ele_m)}</ele>"


def _trkpt(lat: float, lon: float, ele_m: float | None, time: datetime | None) -> str:
    """One <trkpt> line."""
    stamp = ""
    if time is not None:
        if time.tzinfo is None:
            raise ValueError(f"track point times must be timezone-aware, not {time!r}")
        stamp = f"<time>{time.astimezone(UTC).isoformat().replace('+00:00', 'Z')}</time>"
    return f"<trkpt {_lat_lon_attributes(lat, lon)}>{_ele(ele_m)}{stamp}</trkpt>\n"
