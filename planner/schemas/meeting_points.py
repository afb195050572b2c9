"""Meeting points, fair-point suggestions and the opt-in home area."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field, RootModel, StringConstraints, model_validator

from planner.schemas.common import (
    BLANK_IS_NULL,
    TRIMMED,
    Body,
    Lat,
    LocalDateTime,
    Lon,
    Out,
    Patch,
    both_or_neither,
)

MAX_NAME_CHARS = 120
MAX_NOTES_CHARS = 2000
MAX_PLACE_CHARS = 200
TIME_HELP = "ISO 8601; without an offset, local to the event's timezone"


Name = Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME_CHARS), TRIMMED]
Notes = Annotated[str, StringConstraints(max_length=MAX_NOTES_CHARS), TRIMMED]
Place = Annotated[str, StringConstraints(min_length=1, max_length=MAX_PLACE_CHARS), TRIMMED]


class MeetingPointPatch(Patch):
    """PATCH /meeting-points/{id}: any of the fields; a new place is snapped to the route again."""

    not_null: ClassVar[tuple[str, ...]] = ("name",)
    name: Name | None = None
    notes: Annotated[Notes | None, BLANK_IS_NULL] = None
    meet_at: Annotated[LocalDateTime | None, BLANK_IS_NULL] = Field(None, description=TIME_HELP)
    lat: Annotated[Lat | None, BLANK_IS_NULL] = None
    lon: Annotated[Lon | None, BLANK_IS_NULL] = None
    place: Annotated[Place | None, BLANK_IS_NULL] = Field(
        None, description="a place name to geocode instead of lat/lon"
    )

    @model_validator(mode="after")
    def _pair(self) -> MeetingPointPatch:
        """lat and lon together or not at all."""
        both_or_neither(self.lat, self.lon)
        return self


class MeetingPointIn(MeetingPointPatch):
    """POST /events/{id}/meeting-points: lat/lon or a place name."""

    not_null = ()
    name: Name


class MeetingPointOut(Out):
    """A meeting point; along_m/off_route_m are null without a route."""

    id: int
    name: str
    lat: float
    lon: float
    meet_at: str | None
    notes: str
    along_m: float | None
    off_route_m: float | None


class Suggestion(Out):
    """A suggested meeting point."""

    kind: str
    reason: str
    lat: float
    lon: float
    along_m: float | None = None


class HomeAreaIn(Body):
    """PUT /users/me/home-area."""

    lat: Lat
    lon: Lon


class HomeAreaOut(Out):
    """What is stored: the point coarsened to about 1 km."""

    share_home_area: bool
    lat: float
    lon: float


class ListedMeetingPoint(MeetingPointOut):
    """A meeting point in an event's list, numbered, with the estimated arrival."""

    number: int
    estimated_arrival_at: str | None


class MeetingPointList(RootModel[list[ListedMeetingPoint]]):
    """An event's meeting points in order."""


class SuggestionList(RootModel[list[Suggestion]]):
    """Suggested meeting points."""
