"""Reading JSON request bodies."""

from __future__ import annotations

from flask import request

from planner.errors import ServiceError


def json_object() -> dict:
    """The request's JSON object body, or a 400 saying what is wrong."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ServiceError("invalid_json", "Send a JSON object with Content-Type: application/json.")
    return data


def string_field(data: dict, name: str, *, required: bool = True) -> str:
    """A string field of a JSON body; 400 naming the field when missing or not a string."""
    value = data.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ServiceError("invalid_field", f"'{name}' must be a string.", name)
    return value
