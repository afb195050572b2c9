"""Privacy zones: the body to add one and the zone object."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, RootModel, StringConstraints

from planner.schemas.common import BLANK_IS_NULL, TRIMMED, Body, Lat, Lon, Number, Out

MIN_RADIUS_M, MAX_RADIUS_M = 200, 1000
MAX_NAME_CHARS = 80


ZoneName = Annotated[str, StringConstraints(max_length=MAX_NAME_CHARS), TRIMMED]


class ZoneIn(Body):
    """POST /me/privacy-zones."""

    lat: Lat
    lon: Lon
    radius_m: Number = Field(ge=MIN_RADIUS_M, le=MAX_RADIUS_M)
    name: Annotated[ZoneName | None, BLANK_IS_NULL] = None


class ZoneOut(Out):
    """A privacy zone (the cut drawn for it is never shown)."""

    id: int
    name: str
    lat: float
    lon: float
    radius_m: int


class NewZoneOut(ZoneOut):
    """A new zone, with the upcoming outings on your routes that start inside it."""

    outings_starting_inside: list[int]


class ZoneList(RootModel[list[ZoneOut]]):
    """Your zones, oldest first."""
