"""Notifications: the inbox page, marking read, and a person's notification settings (input and output)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from annotated_types import Interval
from pydantic import BeforeValidator, Field, StrictBool, field_validator, model_validator

from planner.errors import N_
from planner.schemas.common import Body, Id, Out, Query, fail

Kind = Literal[
    "new_outing",
    "outing_digest",
    "outing_changed",
    "outing_cancelled",
    "meeting_point_changed",
    "waitlist_promoted",
    "reminder",
    "join_request",
    "join_approved",
    "post_reply",
    "thread_post",
]
Channel = Literal["email", "app", "off"]  # e-mail and in the app, in the app only, not at all
GroupChoice = Literal["every", "digest", "off"]  # a group's new outings: each one, a weekly digest, none

KINDS: tuple[str, ...] = get_args(Kind)
CHANNELS: tuple[str, ...] = get_args(Channel)
GROUP_CHOICES: tuple[str, ...] = get_args(GroupChoice)

MIN_OFFSET_H, MAX_OFFSET_H = 1, 168  # a reminder comes 1 hour to 1 week before an outing
MAX_OFFSETS = 5
MAX_PAGE = 100_000
MAX_IDS = 1000  # ids marked read in one request
MAX_GROUPS = 1000  # group choices in one request
MAX_NOTIFICATION_ID = 2**63 - 1  # notification ids are bigints


def _whole(value: Any, field: str) -> int:
    """value as an int when it is a whole number (or its digits); a validation error naming field otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().isdigit():
        raise fail("invalid_field", N_("'%(field)s' must hold whole numbers."), field)
    return int(str(value).strip())


def _notification_id(value: Any) -> int:
    """A notification id (1..2^63-1)."""
    number = _whole(value, "ids")
    if not 1 <= number <= MAX_NOTIFICATION_ID:
        raise fail("invalid_field", N_("'%(field)s' must hold notification ids."), "ids")
    return number


NotificationId = Annotated[int, Interval(ge=1, le=MAX_NOTIFICATION_ID), BeforeValidator(_notification_id)]
OffsetH = Annotated[int, Interval(ge=MIN_OFFSET_H, le=MAX_OFFSET_H)]


class InboxQuery(Query):
    """?page= of your notifications."""

    page: int = Field(1, ge=1, le=MAX_PAGE)


class ReadIn(Body):
    """POST /me/notifications/read: {ids: [...]} or {all: true}."""

    ids: list[NotificationId] | None = Field(
        None, max_length=MAX_IDS, description="your notifications to mark read (others' and unknown ids are ignored)"
    )
    all: StrictBool | None = Field(None, description="true: mark every one of your notifications read")

    @model_validator(mode="after")
    def _one_of(self) -> ReadIn:
        """Exactly one of ids and all: true."""
        if self.all and self.ids is not None:
            raise fail("invalid_field", N_("Give either 'ids' or 'all': true, not both."), "ids")
        if not self.all and self.ids is None:
            raise fail("invalid_field", N_("Give 'ids' (a list of notification ids) or 'all': true."), "ids")
        return self


class Channels(Body):
    """A channel per kind: email (in the app and by e-mail), app (in the app only) or off."""

    new_outing: Channel | None = None
    outing_digest: Channel | None = None
    outing_changed: Channel | None = None
    outing_cancelled: Channel | None = None
    meeting_point_changed: Channel | None = None
    waitlist_promoted: Channel | None = None
    reminder: Channel | None = None
    join_request: Channel | None = None
    join_approved: Channel | None = None
    post_reply: Channel | None = None
    thread_post: Channel | None = None


class GroupSettingIn(Body):
    """How you hear of one group's new outings."""

    group_id: Id
    new_outings: GroupChoice


class SettingsIn(Body):
    """PUT /me/notification-settings: any subset of the settings; what is left out stays as it is."""

    channels: Channels | None = Field(None, description="the kinds to change; the others keep their channel")
    email_all: StrictBool | None = Field(None, description="false: no e-mail at all, whatever the kinds say")
    reminder_offsets_h: list[OffsetH] | None = Field(
        None,
        max_length=MAX_OFFSETS,
        json_schema_extra={"uniqueItems": True},
        description="hours before an outing you are going to that a reminder comes (1 to 168, at most 5; [] for none)",
    )
    groups: list[GroupSettingIn] | None = Field(
        None, max_length=MAX_GROUPS, description="new outings of groups you are an active member of"
    )

    @field_validator("channels", mode="before")
    @classmethod
    def _channels(cls, value: Any) -> Any:
        """An object of known kinds, each with a known channel."""
        if value is None:
            return value
        if not isinstance(value, dict):
            raise fail("invalid_field", N_("'%(field)s' must be an object {kind: channel}."), "channels")
        for kind, channel in value.items():
            if kind not in KINDS:
                raise fail(
                    "invalid_field",
                    N_("'%(field)s' has no kind %(kind)s; the kinds are %(kinds)s."),
                    "channels",
                    kind=repr(kind),
                    kinds=", ".join(KINDS),
                )
            if channel not in CHANNELS:
                raise fail(
                    "invalid_field",
                    N_("'%(field)s.%(kind)s' must be one of: %(choices)s."),
                    "channels",
                    kind=kind,
                    choices=", ".join(CHANNELS),
                )
        return value

    @field_validator("reminder_offsets_h", mode="before")
    @classmethod
    def _offsets(cls, value: Any) -> Any:
        """Up to 5 different whole hours from 1 to 168."""
        if value is None:
            return value
        if not isinstance(value, list):
            raise fail("invalid_field", N_("'%(field)s' must be a list of hours."), "reminder_offsets_h")
        hours = [_whole(item, "reminder_offsets_h") for item in value]
        if any(not MIN_OFFSET_H <= hour <= MAX_OFFSET_H for hour in hours):
            raise fail(
                "invalid_field",
                N_("Reminders come %(min)s to %(max)s hours (a week) before an outing."),
                "reminder_offsets_h",
                min=MIN_OFFSET_H,
                max=MAX_OFFSET_H,
            )
        if len(hours) > MAX_OFFSETS:
            raise fail("invalid_field", N_("Choose at most %(max)s reminders."), "reminder_offsets_h", max=MAX_OFFSETS)
        if len(set(hours)) != len(hours):
            raise fail("invalid_field", N_("Each reminder time may appear only once."), "reminder_offsets_h")
        return hours

    @field_validator("groups", mode="after")
    @classmethod
    def _groups(cls, value: list[GroupSettingIn] | None) -> list[GroupSettingIn] | None:
        """Each group at most once."""
        ids = [choice.group_id for choice in value or ()]
        if len(set(ids)) != len(ids):
            raise fail("invalid_field", N_("Each group may appear only once in '%(field)s'."), "groups")
        return value


class NotificationOut(Out):
    """One notification; text is its English sentence, url the local page it is about."""

    id: int
    kind: Kind
    created_at: str
    read: bool
    text: str
    url: str = Field(description="a path on this site, e.g. /events/12")
    event_id: int | None
    group_id: int | None


class NotificationPage(Out):
    """One page of your notifications, newest first (20 a page), and how many are unread."""

    page: int
    items: list[NotificationOut]
    next_page: int | None
    unread: int


class UnreadOut(Out):
    """How many of your notifications are unread."""

    unread: int


class ChannelsOut(Out):
    """Every kind's channel (a kind never changed is "email")."""

    new_outing: Channel
    outing_digest: Channel
    outing_changed: Channel
    outing_cancelled: Channel
    meeting_point_changed: Channel
    waitlist_promoted: Channel
    reminder: Channel
    join_request: Channel
    join_approved: Channel
    post_reply: Channel
    thread_post: Channel


class GroupSettingOut(Out):
    """A group you are an active member of and how you hear of its new outings."""

    group_id: int
    name: str
    new_outings: GroupChoice


class SettingsOut(Out):
    """Your notification settings; email_all false means no e-mail at all (kinds set to email are in the app only)."""

    channels: ChannelsOut
    email_all: bool
    reminder_offsets_h: list[int]
    groups: list[GroupSettingOut]
