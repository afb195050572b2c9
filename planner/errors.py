"""Domain errors raised by services and schemas; web and api turn them into responses. Imports nothing from planner.

A message is an English template marked with N_ ("'%(field)s' is required.") plus its parameters; it is put
into the reader's language when read (`error.message`), through the translator the app installs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def N_(message: str) -> str:
    """message unchanged: marks it for the catalogue (pybabel -k N_); it is translated where it is shown."""
    return message


def english(template: str, params: Mapping[str, Any]) -> str:
    """template with params filled in (gettext's %-style), untranslated."""
    return template % dict(params) if params else template


# (template, params) -> text in the reader's language; planner.i18n installs gettext here.
translate: Callable[[str, Mapping[str, Any]], str] = english


class ServiceError(Exception):
    """A request the rules refuse: carries an HTTP status, a snake_case code, a message and the field at fault."""

    status = 400

    def __init__(self, code: str, message: str, field: str | None = None, /, **params: Any):
        """field (positional) is the input at fault; the message template may name it as %(field)s."""
        if field is not None:
            params.setdefault("field", field)
        super().__init__(english(message, params))
        self.code = code
        self.template = message
        self.params = params
        self.field = field

    @property
    def message(self) -> str:
        """The sentence in the current reader's language."""
        return translate(self.template, self.params)


class Unauthorized(ServiceError):
    """No or bad credentials."""

    status = 401


class Forbidden(ServiceError):
    """Authenticated but not allowed."""

    status = 403


class NotFound(ServiceError):
    """No such object (or not visible to the caller)."""

    status = 404


class Conflict(ServiceError):
    """The request clashes with the current state."""

    status = 409


class TooLarge(ServiceError):
    """The request body is over a configured limit."""

    status = 413
