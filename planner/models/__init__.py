"""Every model, imported so the metadata is complete."""

from planner.models.discussion import Post
from planner.models.event import Event, Rsvp
from planner.models.group import Group, Membership
from planner.models.meeting_point import MeetingPoint
from planner.models.notification import GroupNotificationSetting, JobError, Notification, NotificationSettings
from planner.models.place import GazetteerName, GazetteerPlace
from planner.models.privacy import PrivacyZone
from planner.models.route import Route
from planner.models.series import EventSeries, SeriesFollower
from planner.models.user import ApiToken, User

__all__ = [
    "ApiToken",
    "Event",
    "EventSeries",
    "GazetteerName",
    "GazetteerPlace",
    "Group",
    "GroupNotificationSetting",
    "JobError",
    "MeetingPoint",
    "Membership",
    "Notification",
    "NotificationSettings",
    "Post",
    "PrivacyZone",
    "Route",
    "Rsvp",
    "SeriesFollower",
    "User",
]
