"""Reading requests: the JSON object body and query strings parsed by a schema."""

from __future__ import annotations

from typing import TypeVar

from flask import request
from pydantic import BaseModel

from planner.errors import ServiceError
from planner.schemas import parse_query
from planner.schemas.common import INVALID_JSON

M = TypeVar("M", bound=BaseModel)


def json_object() -> dict:
    """The request's JSON object body, or a 400 saying what is wrong (the services validate its fields)."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ServiceError("invalid_json", INVALID_JSON)
    return data


def query(model: type[M]) -> M:
    """The query string validated as model; a 400 naming the first bad parameter otherwise."""
    return parse_query(model, request.args)
