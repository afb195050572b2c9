"""Server-side SVG elevation profile: no scripts, no external references, no inline CSS.

Only SVG presentation attributes are used (fill, stroke, font-size), which a
Content-Security-Policy without ``style-src 'unsafe-inline'`` still allows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape
from itertools import groupby

_MARGIN_LEFT, _MARGIN_RIGHT, _MARGIN_TOP, _MARGIN_BOTTOM = 52, 14, 20, 28
_FLAT_PAD_M = 10.0
_BELOW_PAD = 0.15
_AREA_FILL = "#93c5fd"
_LINE_STROKE = "#1d4ed8"
_GRID_STROKE = "#e5e7eb"
_TEXT_FILL = "#374151"


def _usable(profile: Iterable[tuple[float, float | None]]) -> list[tuple[float, float]]:
    """(distance_km, elevation_m) for the points with a finite distance and elevation."""
    points = []
    for distance_m, elevation_m in profile:
        if elevation_m is None:
            continue
        x, y = float(distance_m) / 1000.0, float(elevation_m)
        if math.isfinite(x) and math.isfinite(y):
            points.append((x, y))
    return points


def _nice_step(span: float, target_ticks: int) -> float:
    """A 1/2/5 x 10^k step giving about target_ticks intervals over span."""
    raw = span / target_ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(factor * magnitude for factor in (1, 2, 5, 10) if factor * magnitude >= raw)


def _ticks(low: float, high: float, step: float) -> list[float]:
    """Multiples of step that lie within [low, high]."""
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)
    return [round(i * step, 10) for i in range(first, last + 1)]


def _label(value: float, step: float, unit: str) -> str:
    """A tick label with as many decimals as the step needs, e.g. "2.5 km"."""
    decimals = max(0, -math.floor(math.log10(step)))
    return f"{value:.{decimals}f} {unit}"


def _thin(points: list[tuple[float, float]], column_of: Callable[[float], int]) -> list[tuple[float, float]]:
    """Keep only the lowest and highest point of each pixel column, in order, so peaks survive."""
    kept: list[tuple[float, float]] = []
    for _, group in groupby(points, key=lambda point: column_of(point[0])):
        column = list(group)
        low = min(column, key=lambda point: point[1])
        high = max(column, key=lambda point: point[1])
        kept.extend(point for point in column if point is low or point is high)
    return kept


def _y_range(y_min: float, y_max: float) -> tuple[float, float, float]:
    """(low, high, step) for the elevation axis: padded below for the min label, rounded to ticks."""
    if y_max - y_min < 1:
        y_min, y_max = y_min - _FLAT_PAD_M, y_max + _FLAT_PAD_M
    step = _nice_step(y_max - y_min, 4)
    low = math.floor((y_min - _BELOW_PAD * (y_max - y_min)) / step) * step
    return low, math.ceil(y_max / step) * step, step


@dataclass(frozen=True)
class _Frame:
    """The plot area and the scales from (km, m) to SVG user units."""

    x_low: float
    x_high: float
    y_low: float
    y_high: float
    width: int
    height: int

    @property
    def left(self) -> float:
        """x of the elevation axis."""
        return _MARGIN_LEFT

    @property
    def right(self) -> float:
        """x of the right edge of the plot."""
        return self.width - _MARGIN_RIGHT

    @property
    def bottom(self) -> float:
        """y of the distance axis."""
        return self.height - _MARGIN_BOTTOM

    def x(self, km: float) -> float:
        """Horizontal position of a distance."""
        return self.left + (km - self.x_low) / (self.x_high - self.x_low) * (self.right - self.left)

    def y(self, m: float) -> float:
        """Vertical position of an elevation."""
        return _MARGIN_TOP + (self.y_high - m) / (self.y_high - self.y_low) * (self.bottom - _MARGIN_TOP)


def elevation_svg(
    profile: list[tuple[float, float | None]],
    *,
    width_px: int = 720,
    height_px: int = 200,
    title: str = "Elevation profile",
) -> str:
    """A self-contained inline <svg> of (distance_m, elevation_m) pairs, as stats.elevation_profile gives them (distance km on x, elevation m on y, filled area, axis ticks with labels, min/max labels, accessible <title>), no scripts, no external refs. Returns "" when there are fewer than 2 points with elevation."""
    points = _usable(profile)
    if len(points) < 2:
        return ""
    x_low, x_high = min(p[0] for p in points), max(p[0] for p in points)
    y_min, y_max = min(p[1] for p in points), max(p[1] for p in points)
    y_low, y_high, y_step = _y_range(y_min, y_max)
    frame = _Frame(x_low, max(x_high, x_low + 0.001), y_low, y_high, width_px, height_px)
    drawn = [(frame.x(km), frame.y(m)) for km, m in _thin(points, lambda km: int(frame.x(km)))]
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="elevation-profile" role="img"'
            f' width="{width_px}" height="{height_px}" viewBox="0 0 {width_px} {height_px}"'
            f' font-family="sans-serif" font-size="11" fill="{_TEXT_FILL}">',
            f"<title>{escape(title)}</title>",
            f"<desc>{escape(_description(x_high - x_low, y_min, y_max))}</desc>",
            *_y_axis(frame, y_step),
            *_x_axis(frame),
            _area_path(drawn, frame.bottom),
            _line_path(drawn),
            *_extreme_labels(points, frame),
            "</svg>",
        ]
    )


def _description(distance_km: float, y_min: float, y_max: float) -> str:
    """Plain-text summary for screen readers."""
    return f"Distance {distance_km:.1f} km; elevation from {y_min:.0f} m to {y_max:.0f} m."


def _y_axis(frame: _Frame, step: float) -> list[str]:
    """Horizontal grid lines with elevation labels on the left."""
    parts = []
    for value in _ticks(frame.y_low, frame.y_high, step):
        y = frame.y(value)
        parts.append(
            f'<line x1="{frame.left}" y1="{y:.1f}" x2="{frame.right}" y2="{y:.1f}" stroke="{_GRID_STROKE}"/>'
            f'<text x="{frame.left - 6}" y="{y + 4:.1f}" text-anchor="end">{_label(value, step, "m")}</text>'
        )
    return parts


def _x_axis(frame: _Frame) -> list[str]:
    """The distance axis line, with ticks and labels along the bottom."""
    step = _nice_step(frame.x_high - frame.x_low, 6)
    base = frame.bottom
    parts = [f'<line x1="{frame.left}" y1="{base}" x2="{frame.right}" y2="{base}" stroke="{_TEXT_FILL}"/>']
    for value in _ticks(frame.x_low, frame.x_high, step):
        x = frame.x(value)
        parts.append(
            f'<line x1="{x:.1f}" y1="{base}" x2="{x:.1f}" y2="{base + 4}" stroke="{_TEXT_FILL}"/>'
            f'<text x="{x:.1f}" y="{base + 16}" text-anchor="middle">{_label(value, step, "km")}</text>'
        )
    return parts


def _points_d(drawn: list[tuple[float, float]]) -> str:
    """SVG path commands through the drawn points."""
    return " ".join(f"L{x:.1f},{y:.1f}" for x, y in drawn)


def _area_path(drawn: list[tuple[float, float]], base_y: float) -> str:
    """The filled area between the profile and the distance axis."""
    start_x, end_x = drawn[0][0], drawn[-1][0]
    d = f"M{start_x:.1f},{base_y:.1f} {_points_d(drawn)} L{end_x:.1f},{base_y:.1f} Z"
    return f'<path d="{d}" fill="{_AREA_FILL}" stroke="none"/>'


def _line_path(drawn: list[tuple[float, float]]) -> str:
    """The profile line drawn over the area."""
    (x, y), rest = drawn[0], drawn[1:]
    return f'<path d="M{x:.1f},{y:.1f} {_points_d(rest)}" fill="none" stroke="{_LINE_STROKE}" stroke-width="2"/>'


def _extreme_labels(points: list[tuple[float, float]], frame: _Frame) -> list[str]:
    """Labels "max … m" above the highest point and "min … m" below the lowest one."""
    high = max(points, key=lambda point: point[1])
    low = min(points, key=lambda point: point[1])
    parts = []
    for (km, m), word, dy in ((high, "max", -6), (low, "min", 14)):
        x = frame.x(km)
        y = min(frame.y(m) + dy, frame.bottom - 3)
        anchor = "start" if x < frame.width * 0.2 else "end" if x > frame.width * 0.8 else "middle"
        parts.append(f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-weight="bold">{word} {m:.0f} m</text>')
    return parts
