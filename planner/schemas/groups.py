"""Groups: create and edit bodies, the group object, membership answers."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, StringConstraints, model_validator

from planner.schemas.choices import Interest, Role, Visibility
from planner.schemas.common import BLANK_IS_NULL, TRIMMED, Body, Lat, Lon, Out, Patch, both_or_neither

MAX_NAME_CHARS = 120
MAX_DESCRIPTION_CHARS = 5000


Name = Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME_CHARS), TRIMMED]
Description = Annotated[str, StringConstraints(max_length=MAX_DESCRIPTION_CHARS), TRIMMED]


class GroupIn(Body):
    """POST /groups."""

    name: Name
    interest: Interest
    description: Annotated[Description | None, BLANK_IS_NULL] = ""
    lat: Lat
    lon: Lon
    visibility: Annotated[Visibility | None, BLANK_IS_NULL] = "public"


class GroupPatch(Patch):
    """PATCH /groups/{id}: any of the fields; lat and lon go together."""

    not_null: ClassVar[tuple[str, ...]] = ("name", "interest", "lat", "lon", "visibility")
    name: Name | None = None
    interest: Interest | None = None
    description: Annotated[Description | None, BLANK_IS_NULL] = None
    lat: Lat | None = None
    lon: Lon | None = None
    visibility: Visibility | None = None

    @model_validator(mode="after")
    def _pair(self) -> GroupPatch:
        """lat and lon together or not at all."""
        both_or_neither(self.lat, self.lon)
        return self


class RoleIn(Body):
    """PATCH /groups/{id}/members/{user_id}."""

    role: Role


class GroupOut(Out):
    """A group as the caller sees it."""

    id: int
    name: str
    interest: str
    description: str
    lat: float
    lon: float
    visibility: Visibility
    member_count: int
    my_role: Literal["owner", "organiser", "member", "pending"] | None


class JoinOut(Out):
    """The answer to joining."""

    status: Literal["member", "pending"]


class LeaveOut(Out):
    """The answer to leaving."""

    status: Literal["left"]


class MembershipOut(Out):
    """A membership after approval or a role change."""

    user_id: int
    role: Role
    status: Literal["active", "pending"]


class Person(Out):
    """A member or a request to join."""

    id: int
    display_name: str
    role: Role
    status: Literal["active", "pending"]


class MembersOut(Out):
    """Active members; pending requests only for the group's staff."""

    active: list[Person]
    pending: list[Person] = Field(description="empty unless the caller is staff")
