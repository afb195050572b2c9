"""Events (outings): create and edit bodies, RSVP, the event object and its lists."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from annotated_types import Interval
from pydantic import BeforeValidator, Field, StringConstraints, field_validator, model_validator

from planner.errors import N_
from planner.schemas.choices import Activity, Difficulty
from planner.schemas.common import (
    BLANK_IS_NULL,
    TRIMMED,
    Body,
    Id,
    Lat,
    LocalDateTime,
    Lon,
    Out,
    Patch,
    Query,
    both_or_neither,
    fail,
)
from planner.schemas.meeting_points import MeetingPointOut
from planner.schemas.routes import RouteOut
from planner.times import zone_names

MAX_CAPACITY = 10_000
MAX_TITLE_CHARS = 200
MAX_DESCRIPTION_CHARS = 10_000
MAX_RRULE_CHARS = 500
TIME_HELP = "ISO 8601; without an offset, local to the event's timezone"


def _zone(value: str | None) -> str | None:
    """An IANA time zone name, or None."""
    if value is not None and value not in zone_names():
        raise fail("invalid_timezone", N_("'%(field)s' must be an IANA name such as Europe/Berlin."), "timezone")
    return value


def _capacity(value: object) -> object:
    """A whole number (or its digits), never true/false or a fraction."""
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().isdigit():
        raise fail(
            "invalid_field", N_("'%(field)s' must be a whole number from 1 to %(max)s."), "capacity", max=MAX_CAPACITY
        )
    return int(value)


Title = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TITLE_CHARS), TRIMMED]
Description = Annotated[str, StringConstraints(max_length=MAX_DESCRIPTION_CHARS), TRIMMED]
Capacity = Annotated[int, Interval(ge=1, le=MAX_CAPACITY), BeforeValidator(_capacity)]


class _EventFields(Patch):
    """What create and edit share: every field optional, checked the same way."""

    not_null: ClassVar[tuple[str, ...]] = ("title", "starts_at", "ends_at", "capacity")
    title: Title | None = None
    description: Annotated[Description | None, BLANK_IS_NULL] = None
    starts_at: LocalDateTime | None = Field(None, description=TIME_HELP)
    ends_at: LocalDateTime | None = Field(None, description=TIME_HELP)
    timezone: Annotated[str | None, BLANK_IS_NULL] = Field(
        None, description="IANA name; defaults to the zone at the start point"
    )
    capacity: Capacity | None = None
    activity: Annotated[Activity | None, BLANK_IS_NULL] = Field(
        None, description="defaults to the route's activity, else hiking"
    )
    difficulty: Annotated[Difficulty | None, BLANK_IS_NULL] = None
    lat: Annotated[Lat | None, BLANK_IS_NULL] = Field(None, description="the start; defaults to the route's start")
    lon: Annotated[Lon | None, BLANK_IS_NULL] = None
    route_id: Annotated[Id | None, BLANK_IS_NULL] = Field(
        None, description="one of the group's routes or one of your own; null clears"
    )

    _check_zone = field_validator("timezone")(_zone)

    @model_validator(mode="after")
    def _pair(self) -> _EventFields:
        """lat and lon together or not at all."""
        both_or_neither(self.lat, self.lon)
        return self


def _rrule_text(value: object) -> object:
    """A rule's text (its content is checked against the start by the service)."""
    if not isinstance(value, str) or not 1 <= len(value.strip()) <= MAX_RRULE_CHARS:
        raise fail(
            "invalid_rrule",
            N_("'recurrence.rrule' must be an RFC 5545 rule of at most %(max)s characters."),
            "recurrence.rrule",
            max=MAX_RRULE_CHARS,
        )
    return value.strip()


class RecurrenceIn(Body):
    """How an outing repeats: one RFC 5545 RRULE with COUNT or UNTIL, at most 200 occurrences within two years."""

    rrule: Annotated[str, BeforeValidator(_rrule_text)] = Field(
        description="e.g. FREQ=WEEKLY;BYDAY=SA;COUNT=10, FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;UNTIL=20270630 or "
        "FREQ=MONTHLY;BYDAY=1SA;COUNT=12; the time of day and the first date come from starts_at"
    )


class EventPatch(_EventFields):
    """PATCH /events/{id}: any of the fields; raising capacity promotes from the waitlist."""

    scope: Literal["this", "following", "all"] = Field(
        "this",
        description="for an occurrence of a series: this one only, this and the following ones, or all the "
        "upcoming ones (past occurrences never change, nor fields an occurrence had edited on its own)",
    )


class EventIn(_EventFields):
    """POST /groups/{id}/events."""

    not_null = ()
    title: Title
    starts_at: LocalDateTime = Field(description=TIME_HELP)
    ends_at: LocalDateTime = Field(description=TIME_HELP)
    capacity: Capacity
    recurrence: RecurrenceIn | None = Field(None, description="makes a series; the answer is its first occurrence")


class RsvpIn(Body):
    """POST /events/{id}/rsvp (the body is optional)."""

    meeting_point_id: Annotated[Id | None, BLANK_IS_NULL] = Field(
        None, description="where you join; null for the start"
    )


class RsvpOut(Out):
    """An RSVP."""

    status: Literal["going", "waitlisted"]
    meeting_point_id: int | None = None
    waitlist_position: int | None = Field(None, description="only when waitlisted")


class CancelledOut(Out):
    """A withdrawn RSVP."""

    status: Literal["cancelled"]


class Attendee(Out):
    """Someone going or waiting."""

    id: int
    display_name: str
    meeting_point_id: int | None
    status: str


class AttendeesOut(Out):
    """Who is going and who waits."""

    going: list[Attendee]
    waitlisted: list[Attendee]


class EventOut(Out):
    """An outing; times in UTC with Z plus its IANA timezone."""

    id: int
    group_id: int
    title: str
    description: str
    starts_at: str
    ends_at: str
    timezone: str
    capacity: int
    going_count: int
    waitlist_count: int
    spots_left: int
    activity: Activity
    difficulty: Difficulty | None
    lat: float
    lon: float
    status: Literal["scheduled", "cancelled"]
    route: RouteOut | None
    meeting_points: list[MeetingPointOut]
    my_rsvp: RsvpOut | None
    series_id: int | None = Field(None, description="the series this outing is an occurrence of")
    repeats: str | None = Field(None, description='how its series repeats, e.g. "every Saturday"')


class EventSummary(Out):
    """One outing in a group's list."""

    id: int
    title: str
    starts_at: str
    status: str
    activity: str
    spots_left: int
    going_count: int


class GroupEventsOut(Out):
    """A group's outings."""

    events: list[EventSummary]


class GroupEventsQuery(Query):
    """GET /groups/{id}/events."""

    past: bool = Field(False, description="past outings, latest first, instead of upcoming ones")
