"""Flask-WTF forms (every form carries a CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import EmailField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from planner.services.routes import ACTIVITIES


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
        "GPX file", validators=[FileRequired("Choose a GPX file."), FileAllowed(["gpx", "xml"], "Upload a .gpx file.")]
    )
    name = StringField("Name (optional: taken from the file)", validators=[Optional(), Length(max=200)])
    activity = SelectField("Activity", choices=[(a, a.replace("_", " ").capitalize()) for a in ACTIVITIES])


class PrivacyZoneForm(FlaskForm):
    """Add a privacy zone: a centre (click the map or type it) and a radius."""

    name = StringField("Name (only you see it)", validators=[Optional(), Length(max=80)])
    lat = StringField("Latitude", validators=[DataRequired()])
    lon = StringField("Longitude", validators=[DataRequired()])
    radius_m = IntegerField(
        "Radius in metres (200 to 1,000)", default=500, validators=[DataRequired(), NumberRange(min=200, max=1000)]
    )
