"""Series of outings: the series object with its occurrences, and the going-to-every-one answer."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from planner.schemas.common import Out


class OccurrenceOut(Out):
    """One occurrence of a series (a real outing: GET /events/{id} has the rest)."""

    id: int
    title: str
    starts_at: str
    ends_at: str
    starts_at_text: str = Field(description="local time in the series' zone, in the reader's language")
    occurrence_date: str = Field(description="the local date the rule gives it (its RECURRENCE-ID's day)")
    status: Literal["scheduled", "cancelled"]
    capacity: int
    going_count: int
    spots_left: int
    own_fields: list[str] = Field(description="fields edited on this occurrence alone; series changes leave them")


class SeriesOut(Out):
    """A series: its rule, zone, how it reads, and the occurrences made so far (8 weeks ahead), soonest first."""

    id: int
    group_id: int
    title: str
    rrule: str = Field(description="RFC 5545 RRULE, UNTIL in UTC; DTSTART is the first occurrence")
    timezone: str
    repeats: str = Field(description='e.g. "every Saturday"')
    going_to_every_one: bool
    occurrences: list[OccurrenceOut]


class FollowOut(Out):
    """Whether the caller now goes to every occurrence."""

    going_to_every_one: bool
