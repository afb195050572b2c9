"""GPX routes: the upload's form fields, the route object and its GeoJSON Feature."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, StringConstraints

from planner.errors import N_
from planner.schemas.choices import ACTIVITIES, Activity
from planner.schemas.common import BLANK_IS_NULL, TRIMMED, Body, Id, LatLon, Out, fail

MAX_NAME_CHARS = 200


def _activity(value: Any) -> Any:
    """A known activity (any case, trimmed), hiking when blank; invalid_activity otherwise."""
    activity = (value or "hiking").strip().lower() if isinstance(value, (str, type(None))) else None
    if activity not in ACTIVITIES:
        raise fail(
            "invalid_activity", N_("Activity must be one of: %(choices)s."), "activity", choices=", ".join(ACTIVITIES)
        )
    return activity


RouteName = Annotated[str, StringConstraints(max_length=MAX_NAME_CHARS), TRIMMED]


class RouteUpload(Body):
    """The form fields of POST /routes besides the GPX `file`."""

    name: Annotated[RouteName | None, BLANK_IS_NULL] = Field(None, description="defaults to the GPX <name>")
    activity: Annotated[Activity, BeforeValidator(_activity)] = "hiking"
    group_id: Annotated[Id | None, BLANK_IS_NULL] = Field(None, description="share with a group you organise")


class RouteUploadForm(RouteUpload):
    """The whole multipart body of POST /routes (for the document)."""

    file: bytes = Field(description="a GPX 1.0 or 1.1 file", json_schema_extra={"format": "binary"})


class RouteOut(Out):
    """A route with its stats (as the caller sees it: cut by the owner's privacy zones for others)."""

    id: int
    name: str
    activity: Activity
    description: str
    group_id: int | None
    length_m: float
    ascent_m: float | None
    descent_m: float | None
    min_ele_m: float | None
    max_ele_m: float | None
    point_count: int
    start: LatLon
    end: LatLon
    bbox: list[float] = Field(min_length=4, max_length=4, description="[minlon, minlat, maxlon, maxlat]")
    recorded_duration_s: float | None = Field(description="null without times in the file")
    moving_time_s: float | None = None
    estimated_duration_s: float | None


class LineGeometry(BaseModel):
    """A GeoJSON LineString or (cut by privacy zones) MultiLineString; elevation as a third coordinate."""

    type: Literal["LineString", "MultiLineString"]
    coordinates: list[Any]


class RouteFeature(BaseModel):
    """GET /routes/{id}.geojson."""

    type: Literal["Feature"]
    id: int
    geometry: LineGeometry
    properties: RouteOut
