"""Flask-WTF forms (every form carries a CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import EmailField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from planner.services.routes import ACTIVITIES
from planner.web.filters import activity as activity_label


class RegisterForm(FlaskForm):
    """Create an account."""

    display_name = StringField(
        _l("Display name"),
        validators=[DataRequired(_l("Enter a display name.")), Length(max=80, message=_l("At most 80 characters."))],
    )
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(_l("Enter your email.")), Length(max=254, message=_l("At most 254 characters."))],
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(_l("Enter a password.")),
            Length(min=8, max=1024, message=_l("Use 8 to 1,024 characters.")),
        ],
    )


class LoginForm(FlaskForm):
    """Log in with email and password."""

    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])


class LogoutForm(FlaskForm):
    """An empty form: logging out is a POST with a CSRF token."""


class RouteUploadForm(FlaskForm):
    """Upload a GPX file as a route."""

    file = FileField(
        _l("GPX file"),
        validators=[FileRequired(_l("Choose a GPX file.")), FileAllowed(["gpx", "xml"], _l("Upload a .gpx file."))],
    )
    name = StringField(
        _l("Name (optional: taken from the file)"),
        validators=[Optional(), Length(max=200, message=_l("At most 200 characters."))],
    )
    # A callable: the labels are read in each request's language.
    activity = SelectField(
        _l("Activity"),
        choices=lambda: [(a, activity_label(a).capitalize()) for a in ACTIVITIES],
        invalid_choice_message=_l("Choose one of the activities."),
    )


class PrivacyZoneForm(FlaskForm):
    """Add a privacy zone: a centre (click the map or type it) and a radius."""

    name = StringField(
        _l("Name (only you see it)"), validators=[Optional(), Length(max=80, message=_l("At most 80 characters."))]
    )
    lat = StringField(_l("Latitude"), validators=[DataRequired(_l("Enter a latitude."))])
    lon = StringField(_l("Longitude"), validators=[DataRequired(_l("Enter a longitude."))])
    radius_m = IntegerField(
        _l("Radius in metres (200 to 1,000)"),
        default=500,
        validators=[
            DataRequired(_l("Enter a radius in metres.")),
            NumberRange(min=200, max=1000, message=_l("Use 200 to 1,000 metres.")),
        ],
    )
