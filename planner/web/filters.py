"""Jinja filters for numbers with units."""

from __future__ import annotations


def duration(seconds: int | float | None) -> str:
    """Seconds as "3 h 05 min" (or "—" when unknown)."""
    if seconds is None:
        return "—"
    minutes = int(round(seconds / 60))
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def km(metres: float | None, digits: int = 1) -> str:
    """Metres as kilometres, e.g. "12.3 km"."""
    return "—" if metres is None else f"{metres / 1000:.{digits}f} km"


def metres(value: float | None) -> str:
    """A height in whole metres, e.g. "845 m"."""
    return "—" if value is None else f"{round(value):,} m"


FILTERS = {"duration": duration, "km": km, "metres": metres}
