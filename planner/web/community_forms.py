"""Flask-WTF forms for groups, outings, RSVPs, meeting points and posts (each carries a CSRF token).

Fields are only checked for shape here; the services enforce the rules and their messages land on
the matching field.
"""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone_location
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateTimeLocalField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from planner.i18n import current_locale
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

# The services' messages that name API inputs ('lat', 'ends_at'), as a translated form says them instead (English
# keeps the services' words). Keyed by the service's English template; tests check each is still in the code.
FORM_MESSAGES = {
    "'ends_at' must be after 'starts_at'.": _l("The outing must end after it starts."),
    "Give the start point 'lat' and 'lon', or a route.": _l("Choose the start on the map, or pick a route."),
    "Give 'lat' and 'lon', a 'place' name, or click the map.": _l(
        "Click the map, search a place or type a place name."
    ),
    "Give both 'lat' and 'lon'.": _l("Give both the latitude and the longitude."),
}

# The closed vocabularies as a select offers them (capitalised).
ACTIVITY_CHOICES = {
    "hiking": _l("Hiking"),
    "cycling": _l("Cycling"),
    "running": _l("Running"),
    "climbing": _l("Climbing"),
    "trail_running": _l("Trail running"),
    "mountain_biking": _l("Mountain biking"),
    "walking": _l("Walking"),
    "other": _l("Other"),
}
VISIBILITY_CHOICES = {"public": _l("Public"), "private": _l("Private")}
DIFFICULTY_CHOICES = {"easy": _l("Easy"), "moderate": _l("Moderate"), "hard": _l("Hard"), "expert": _l("Expert")}
ROLE_CHOICES = {"member": _l("Member"), "organiser": _l("Organiser"), "owner": _l("Owner")}
# The same words as the pages show them within a line; templates read {{ labels.role[p.role] }}.
LABELS = {
    "visibility": {"public": _l("public"), "private": _l("private")},
    "difficulty": {"easy": _l("easy"), "moderate": _l("moderate"), "hard": _l("hard"), "expert": _l("expert")},
    "role": {"owner": _l("owner"), "organiser": _l("organiser"), "member": _l("member")},
    "my_role": {
        "owner": _l("you: owner"),
        "organiser": _l("you: organiser"),
        "member": _l("you: member"),
        "pending": _l("you: pending"),
    },
}


@cache
def zone_label(zone: str, locale: str) -> str:
    """A time zone as the select shows it: "America/New York"; in Chinese its city and country, "纽约（美国）"."""
    if locale == "en":
        return zone.replace("_", " ")
    where = Locale.parse(locale)
    city = get_timezone_location(ZoneInfo(zone), locale=where, return_city=True)
    territory = get_global("zone_territories").get(zone)
    country = where.territories.get(territory) if territory not in (None, "ZZ", "001") else None
    return f"{city}（{country}）" if country and country != city else city


def zone_choices() -> dict[str, list[tuple[str, str]]]:
    """The time zone select's options: automatic, the common zones, then every zone (optgroups)."""
    common = [zone for zone in COMMON_ZONES if zone in zone_names()]
    locale = current_locale()
    return {
        "": [("", _("Automatic: the zone at the start point"))],
        _("Common"): [(zone, zone_label(zone, locale)) for zone in common],
        _("All time zones"): [(zone, zone_label(zone, locale)) for zone in sorted(zone_names()) if zone not in common],
    }


def _choices(values: tuple[str, ...], labels: dict) -> list[tuple[str, str]]:
    """(value, label) pairs for a select."""
    return [(value, labels[value]) for value in values]


class ActionForm(FlaskForm):
    """An empty form: buttons that change state (join, leave, cancel, delete) POST with a CSRF token."""


class GroupForm(FlaskForm):
    """Create or edit a group."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    interest = SelectField(_l("Interest"), choices=_choices(INTERESTS, ACTIVITY_CHOICES))
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    visibility = SelectField(_l("Visibility"), choices=_choices(VISIBILITIES, VISIBILITY_CHOICES))
    lat = StringField(_l("Home area latitude"), validators=[DataRequired()])
    lon = StringField(_l("Home area longitude"), validators=[DataRequired()])


class EventForm(FlaskForm):
    """Create or edit an outing; times are local to the event's timezone."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=10_000)])
    starts_at = DateTimeLocalField(_l("Starts (local time)"), format=LOCAL_FORMATS, validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends (local time)"), format=LOCAL_FORMATS, validators=[DataRequired()])
    timezone = SelectField(_l("Time zone"), choices=zone_choices)
    capacity = IntegerField(_l("Capacity"), validators=[DataRequired(), NumberRange(min=1, max=10_000)])
    activity = SelectField(_l("Activity"), choices=_choices(ACTIVITIES, ACTIVITY_CHOICES))
    difficulty = SelectField(_l("Difficulty"), choices=[("", "—"), *_choices(DIFFICULTIES, DIFFICULTY_CHOICES)])
    route_id = SelectField(_l("Route"), choices=[("", _l("No route"))], validate_choice=False)
    gpx = FileField(_l("…or upload a GPX file now"))
    lat = StringField(_l("Start latitude (blank: the route's start)"))
    lon = StringField(_l("Start longitude"))
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
    rrule = StringField(_l("Custom rule"), validators=[Length(max=500)])
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

    meeting_point_id = SelectField(_l("Where I join"), choices=[("", _l("At the start"))], validate_choice=False)


class MeetingPointForm(FlaskForm):
    """Add a meeting point: click the map or search a place (fills lat/lon), type coordinates, or give a place name."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    lat = StringField(_l("Latitude"))
    lon = StringField(_l("Longitude"))
    place = StringField(_l("…or a place name"), validators=[Length(max=200)])
    meet_at = DateTimeLocalField(_l("Time (local)"), format=LOCAL_FORMATS, validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=2000)])


class PostForm(FlaskForm):
    """Write a post or a reply (Markdown)."""

    body = TextAreaField(_l("Message (Markdown)"), validators=[DataRequired(), Length(max=10_000)])
    parent_id = HiddenField()


class RoleForm(FlaskForm):
    """Change a member's role (owner only)."""

    role = SelectField(_l("Role"), choices=list(ROLE_CHOICES.items()))


class HomeAreaForm(FlaskForm):
    """Share an approximate home area for fair meeting points."""

    lat = StringField(_l("Latitude"), validators=[DataRequired()])
    lon = StringField(_l("Longitude"), validators=[DataRequired()])
