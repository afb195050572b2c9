"""The API's error shape: {"error": {"code", "message", "field"}}."""

from __future__ import annotations

from flask import Response, jsonify, request
from werkzeug.exceptions import HTTPException

from planner.errors import ServiceError

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "file_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    500: "internal_error",
}


def is_api_request() -> bool:
    """Whether the current request is for the JSON API."""
    return request.path.startswith("/api/")


def error_body(code: str, message: str, field: str | None = None) -> dict:
    """The JSON error document."""
    return {"error": {"code": code, "message": message, "field": field}}


def json_error(error: Exception) -> tuple[Response, int]:
    """A JSON response for a ServiceError or an HTTPException."""
    if isinstance(error, ServiceError):
        status = error.status
        response = jsonify(error_body(error.code, error.message, error.field))
    else:
        assert isinstance(error, HTTPException)
        status = error.code or 500
        message = error.description or "Request failed."
        if status == 413:
            message = "The upload is larger than this server accepts."
        response = jsonify(error_body(HTTP_CODES.get(status, "error"), message))
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="planner"'
    return response, status
