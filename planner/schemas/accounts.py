"""Accounts: registration, token requests and the account object."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, field_validator

from planner.errors import N_
from planner.schemas.common import Body, Out, fail

MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 1024


def normalise_email(email: Any) -> str:
    """The canonical form of an email address (trimmed, lower-case); "" for anything but text."""
    return email.strip().lower() if isinstance(email, str) else ""


def _string(value: Any) -> Any:
    """value when it is a string; 400 otherwise."""
    if not isinstance(value, str):
        raise fail("invalid_field", N_("Send this field as a string."))
    return value


String = Annotated[str, BeforeValidator(_string), Field(max_length=MAX_PASSWORD_CHARS)]


class RegisterIn(Body):
    """POST /users."""

    email: str = Field(max_length=254, examples=["ana@example.org"])
    password: str = Field(min_length=MIN_PASSWORD_CHARS, max_length=MAX_PASSWORD_CHARS)
    display_name: str = Field(min_length=1, max_length=80)

    @field_validator("email", mode="before")
    @classmethod
    def _email(cls, value: Any) -> str:
        """A plausible, normalised address."""
        email = normalise_email(value)
        if "@" not in email or email.startswith("@") or len(email) > 254 or any(c.isspace() for c in email):
            raise fail("invalid_email", N_("Enter a valid email address."), "email")
        return email

    @field_validator("password", mode="before")
    @classmethod
    def _password(cls, value: Any) -> str:
        """A password of 8 to 1024 characters."""
        if not isinstance(value, str) or len(value) < MIN_PASSWORD_CHARS:
            raise fail(
                "weak_password",
                N_("Use a password of at least %(min_length)s characters."),
                "password",
                min_length=MIN_PASSWORD_CHARS,
            )
        if len(value) > MAX_PASSWORD_CHARS:
            raise fail("invalid_password", N_("That password is too long."), "password")
        return value

    @field_validator("display_name", mode="before")
    @classmethod
    def _display_name(cls, value: Any) -> str:
        """A trimmed name of 1 to 80 characters."""
        name = value.strip() if isinstance(value, str) else ""
        if not 1 <= len(name) <= 80 or "\x00" in name:
            raise fail("invalid_display_name", N_("Enter a display name of 1 to 80 characters."), "display_name")
        return name


class TokenIn(Body):
    """POST /tokens."""

    email: String
    password: String


class UserOut(Out):
    """An account."""

    id: int
    email: str
    display_name: str


class TokenOut(Out):
    """A bearer token, shown once."""

    token: str
    expires_at: str = Field(description="ISO 8601 UTC with Z")
