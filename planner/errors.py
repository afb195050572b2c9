"""Domain errors raised by services and schemas; web and api turn them into responses. Imports nothing from planner."""

from __future__ import annotations


class ServiceError(Exception):
    """A request the rules refuse: carries an HTTP status, a snake_case code, a message and the field at fault."""

    status = 400

    def __init__(self, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


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
