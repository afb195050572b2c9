"""Server-side SVG elevation profile: no scripts, no external references, no inline CSS.

Only SVG presentation attributes are used (fill, stroke, font-size), which a
Content-Security-Policy without ``style-src 'unsafe-inline'`` still allows. The
outer <svg> has no viewBox, so its user unit is one CSS pixel and the labels
keep their font size at any width: text is placed with x as a percentage of the
width, and the area and line are drawn in a nested <svg> that stretches to fit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape
from itertools import groupby

_MARGIN_TOP, _MARGIN_BOTTOM = 20, 28
_PLOT_WIDTH = 1000  # user units across the nested plot <svg>; one per thinning column
_HALO = 'stroke="#ffffff" stroke-width="3" paint-order="stroke"'
_FLAT_PAD_M = 10.0
_BELOW_PAD = 0.15
_AREA_FILL = "#93c5fd"
_LINE_STROKE = "#1d4ed8"
_GRID_STROKE = "#e5e7eb"
_TEXT_FILL = "#374151"
_MARK_FILL = "#7c3aed"


@dataclass(frozen=True)
class ProfileWords:
    """A profile's words in the reader's language, English by default: templates whose %(distance)s, %(low)s,
    %(high)s, %(num)s and %(elevation)s are filled in."""

    description: str = "Distance %(distance)s; elevation from %(low)s to %(high)s."
    km: str = "%(num)s km"
    metres: str = "%(num)s m"
    highest: str = "max %(elevation)s"
    lowest: str = "min %(elevation)s"


ENGLISH = ProfileWords()


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


def _amount(unit: str, number: str) -> str:
    """A number in a unit template: ("%(num)s m", "120") -> "120 m"."""
    return unit % {"num": number}


def _label(value: float, step: float, unit: str) -> str:
    """A tick label with as many decimals as the step needs in a unit template, e.g. "2.5 km"."""
    decimals = max(0, -math.floor(math.log10(step)))
    return _amount(unit, f"{value:.{decimals}f}")


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
    """The plot area and the scales from km to a fraction of the width and from m to SVG user units (px)."""

    x_low: float
    x_high: float
    y_low: float
    y_high: float
    height: int

    @property
    def bottom(self) -> float:
        """y of the distance axis."""
        return self.height - _MARGIN_BOTTOM

    def fraction(self, km: float) -> float:
        """Horizontal position of a distance, from 0 (left edge) to 1 (right edge)."""
        return (km - self.x_low) / (self.x_high - self.x_low)

    def y(self, m: float) -> float:
        """Vertical position of an elevation."""
        return _MARGIN_TOP + (self.y_high - m) / (self.y_high - self.y_low) * (self.bottom - _MARGIN_TOP)


def _pct(fraction: float) -> str:
    """A fraction of the width as an SVG percentage length."""
    return f"{fraction * 100:.2f}%"


def _anchor(fraction: float) -> str:
    """text-anchor keeping a label near either edge inside the box."""
    return "start" if fraction < 0.1 else "end" if fraction > 0.9 else "middle"


def elevation_svg(
    profile: list[tuple[float, float | None]],
    *,
    height_px: int = 200,
    title: str = "Elevation profile",
    marks: Iterable[tuple[float, int]] = (),
    words: ProfileWords = ENGLISH,
) -> str:
    """A self-contained inline <svg> of (distance_m, elevation_m) pairs, as stats.elevation_profile gives them (distance km on x, elevation m on y, filled area, axis ticks with labels, min/max labels, numbered ticks at the (along_m, number) marks, accessible <title>), 100% wide with text in CSS px, no scripts, no external refs; title and words in the reader's language. Returns "" when there are fewer than 2 points with elevation."""
    points = _usable(profile)
    if len(points) < 2:
        return ""
    x_low, x_high = min(p[0] for p in points), max(p[0] for p in points)
    y_min, y_max = min(p[1] for p in points), max(p[1] for p in points)
    y_low, y_high, y_step = _y_range(y_min, y_max)
    frame = _Frame(x_low, max(x_high, x_low + 0.001), y_low, y_high, height_px)
    drawn = [
        (frame.fraction(km) * _PLOT_WIDTH, frame.y(m))
        for km, m in _thin(points, lambda km: int(frame.fraction(km) * _PLOT_WIDTH))
    ]
    data = {
        "km-low": frame.x_low,
        "km-high": frame.x_high,
        "ele-low": y_low,
        "ele-high": y_high,
        "top": _MARGIN_TOP,
        "bottom": frame.bottom,
    }
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="elevation-profile" role="img"'
            f' width="100%" height="{height_px}" font-family="sans-serif" font-size="11" fill="{_TEXT_FILL}"'
            + "".join(f' data-{key}="{value:g}"' for key, value in data.items())
            + ">",
            f"<title>{escape(title)}</title>",
            f"<desc>{escape(_description(words, x_high - x_low, y_min, y_max))}</desc>",
            *_grid(frame, y_step),
            f'<svg x="0" y="0" width="100%" height="{height_px}" viewBox="0 0 {_PLOT_WIDTH} {height_px}"'
            ' preserveAspectRatio="none">',
            _area_path(drawn, frame.bottom),
            _line_path(drawn),
            "</svg>",
            *_x_axis(frame, words),
            *_y_labels(frame, y_step, words),
            *_extreme_labels(points, frame, words),
            *_marks(marks, frame),
            "</svg>",
        ]
    )


def _description(words: ProfileWords, distance_km: float, y_min: float, y_max: float) -> str:
    """Plain-text summary for screen readers."""
    return words.description % {
        "distance": _amount(words.km, f"{distance_km:.1f}"),
        "low": _amount(words.metres, f"{y_min:.0f}"),
        "high": _amount(words.metres, f"{y_max:.0f}"),
    }


def _grid(frame: _Frame, step: float) -> list[str]:
    """Horizontal grid lines at the elevation ticks, across the whole width."""
    return [
        f'<line x1="0" y1="{frame.y(value):.1f}" x2="100%" y2="{frame.y(value):.1f}" stroke="{_GRID_STROKE}"/>'
        for value in _ticks(frame.y_low, frame.y_high, step)
    ]


def _y_labels(frame: _Frame, step: float, words: ProfileWords) -> list[str]:
    """Elevation labels just above their grid lines at the left edge, haloed to read over the area."""
    return [
        f'<text x="3" y="{frame.y(value) - 3:.1f}" text-anchor="start" {_HALO}>'
        f"{escape(_label(value, step, words.metres))}</text>"
        for value in _ticks(frame.y_low, frame.y_high, step)
        if frame.y(value) - 3 > 11
    ]


def _x_axis(frame: _Frame, words: ProfileWords) -> list[str]:
    """The distance axis line, with ticks and labels along the bottom."""
    step = _nice_step(frame.x_high - frame.x_low, 6)
    base = frame.bottom
    parts = [f'<line x1="0" y1="{base}" x2="100%" y2="{base}" stroke="{_TEXT_FILL}"/>']
    for value in _ticks(frame.x_low, frame.x_high, step):
        at = frame.fraction(value)
        parts.append(
            f'<line x1="{_pct(at)}" y1="{base}" x2="{_pct(at)}" y2="{base + 4}" stroke="{_TEXT_FILL}"/>'
            f'<text x="{_pct(at)}" y="{base + 16}" text-anchor="{_anchor(at)}">'
            f"{escape(_label(value, step, words.km))}</text>"
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
    return (
        f'<path d="M{x:.1f},{y:.1f} {_points_d(rest)}" fill="none" stroke="{_LINE_STROKE}" stroke-width="2"'
        ' vector-effect="non-scaling-stroke"/>'
    )


def _extreme_labels(points: list[tuple[float, float]], frame: _Frame, words: ProfileWords) -> list[str]:
    """Labels "max … m" above the highest point and "min … m" below the lowest one."""
    high = max(points, key=lambda point: point[1])
    low = min(points, key=lambda point: point[1])
    parts = []
    for (km, m), template, dy in ((high, words.highest, -6), (low, words.lowest, 14)):
        at = frame.fraction(km)
        y = min(frame.y(m) + dy, frame.bottom - 3)
        label = template % {"elevation": _amount(words.metres, f"{m:.0f}")}
        parts.append(
            f'<text x="{_pct(at)}" y="{y:.1f}" text-anchor="{_anchor(at)}" font-weight="bold" {_HALO}>'
            f"{escape(label)}</text>"
        )
    return parts


def _marks(marks: Iterable[tuple[float, int]], frame: _Frame) -> list[str]:
    """A dashed line and a numbered disc at each (along_m, number) within the profile, e.g. meeting points."""
    parts = []
    for along_m, number in marks:
        at = frame.fraction(float(along_m) / 1000.0)
        if not (math.isfinite(at) and 0 <= at <= 1):
            continue
        x = _pct(at)
        parts.append(
            f'<g class="profile-mark"><line x1="{x}" y1="{_MARGIN_TOP}" x2="{x}" y2="{frame.bottom}"'
            f' stroke="{_MARK_FILL}" stroke-dasharray="3 3"/>'
            f'<circle cx="{x}" cy="10" r="9" fill="{_MARK_FILL}"/>'
            f'<text x="{x}" y="14" text-anchor="middle" fill="#ffffff" font-weight="bold">{int(number)}</text></g>'
        )
    return parts
