"""Flask-WTF forms for groups, outings, RSVPs, meeting points and posts (each carries a CSRF token).

Fields are only checked for shape here; the services enforce the rules and their messages land on
the matching field.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateTimeLocalField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from planner.models.event import DIFFICULTIES
from planner.models.group import INTERESTS, VISIBILITIES
from planner.models.route import ACTIVITIES
from planner.times import zone_names

# Offered first in the time zone select; every other IANA zone follows, A to Z.
COMMON_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Zurich",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
)

LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


def zone_choices() -> dict[str, list[tuple[str, str]]]:
    """The time zone select's options: automatic, the common zones, then every zone (optgroups)."""
    common = [zone for zone in COMMON_ZONES if zone in zone_names()]
    return {
        "": [("", "Automatic: the zone at the start point")],
        "Common": [(zone, zone.replace("_", " ")) for zone in common],
        "All time zones": [(zone, zone.replace("_", " ")) for zone in sorted(zone_names()) if zone not in common],
    }


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    """(value, label) pairs for a select."""
    return [(value, value.replace("_", " ").capitalize()) for value in values]


class ActionForm(FlaskForm):
    """An empty form: buttons that change state (join, leave, cancel, delete) POST with a CSRF token."""


class GroupForm(FlaskForm):
    """Create or edit a group."""

    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    interest = SelectField("Interest", choices=_choices(INTERESTS))
    description = TextAreaField("Description", validators=[Length(max=5000)])
    visibility = SelectField("Visibility", choices=_choices(VISIBILITIES))
    lat = StringField("Home area latitude", validators=[DataRequired()])
    lon = StringField("Home area longitude", validators=[DataRequired()])


class EventForm(FlaskForm):
    """Create or edit an outing; times are local to the event's timezone."""

    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    description = TextAreaField("Description", validators=[Length(max=10_000)])
    starts_at = DateTimeLocalField("Starts (local time)", format=LOCAL_FORMATS, validators=[DataRequired()])
    ends_at = DateTimeLocalField("Ends (local time)", format=LOCAL_FORMATS, validators=[DataRequired()])
    timezone = SelectField("Time zone", choices=zone_choices)
    capacity = IntegerField("Capacity", validators=[DataRequired(), NumberRange(min=1, max=10_000)])
    activity = SelectField("Activity", choices=_choices(ACTIVITIES))
    difficulty = SelectField("Difficulty", choices=[("", "—"), *_choices(DIFFICULTIES)])
    route_id = SelectField("Route", choices=[("", "No route")], validate_choice=False)
    gpx = FileField("…or upload a GPX file now")
    lat = StringField("Start latitude (blank: the route's start)")
    lon = StringField("Start longitude")
    repeat = SelectField(
        _l("Repeat"),
        choices=[
            ("", _l("Does not repeat")),
            ("weekly", _l("Every week on this day")),
            ("biweekly", _l("Every 2 weeks on this day")),
            ("monthly", _l("Every month on this weekday (e.g. the first Saturday)")),
            ("custom", _l("Custom rule (RFC 5545)")),
        ],
        default="",
    )
    repeat_count = IntegerField(
        _l("How many outings"), default=10, validators=[Optional(), NumberRange(min=1, max=200)]
    )
    rrule = StringField(_l("Custom rule, e.g. FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20270630"), validators=[Length(max=500)])
    scope = RadioField(
        _l("Apply the changes to"),
        choices=[
            ("this", _l("This outing only")),
            ("following", _l("This and the following ones")),
            ("all", _l("All upcoming ones")),
        ],
        default="this",
    )


class RsvpForm(FlaskForm):
    """Say you are going, optionally choosing where you join."""

    meeting_point_id = SelectField("Where I join", choices=[("", "At the start")], validate_choice=False)


class MeetingPointForm(FlaskForm):
    """Add a meeting point: click the map or search a place (fills lat/lon), type coordinates, or give a place name."""

    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    lat = StringField("Latitude")
    lon = StringField("Longitude")
    place = StringField("…or a place name", validators=[Length(max=200)])
    meet_at = DateTimeLocalField("Time (local)", format=LOCAL_FORMATS, validators=[Optional()])
    notes = TextAreaField("Notes", validators=[Length(max=2000)])


class PostForm(FlaskForm):
    """Write a post or a reply (Markdown)."""

    body = TextAreaField("Message (Markdown)", validators=[DataRequired(), Length(max=10_000)])
    parent_id = HiddenField()


class RoleForm(FlaskForm):
    """Change a member's role (owner only)."""

    role = SelectField("Role", choices=[("member", "Member"), ("organiser", "Organiser"), ("owner", "Owner")])


class HomeAreaForm(FlaskForm):
    """Share an approximate home area for fair meeting points."""

    lat = StringField("Latitude", validators=[DataRequired()])
    lon = StringField("Longitude", validators=[DataRequired()])
