"""The API's error shape: {"error": {"code", "message", "field"}}."""

from __future__ import annotations

from flask import Response, jsonify, request
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from werkzeug.exceptions import HTTPException, MethodNotAllowed

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
# Our sentence for each status werkzeug (or Flask-Limiter) refuses a request with, instead of their English, unless the
# app gave a description marked for translation (_l); other statuses keep their description (the 503 while the
# database is away: finding the reader's language may need it).
HTTP_MESSAGES = {
    400: _l("The request could not be read."),
    401: _l("Send a valid token: Authorization: Bearer <token>."),
    403: _l("You are not allowed to do this."),
    404: _l("There is nothing at this address."),
    405: _l("This address does not accept this method."),
    409: _l("The request clashes with the current state."),
    413: _l("The upload is larger than this server accepts."),
    415: _l("Send the body as JSON with Content-Type: application/json."),
    429: _l("Too many requests: wait a moment and try again."),
    500: _l("Something went wrong on our side. Please try again later."),
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
        marked = error.description if isinstance(error.description, LazyString) else None
        message = str(marked or HTTP_MESSAGES.get(status) or error.description or "Request failed.")
        response = jsonify(error_body(HTTP_CODES.get(status, "error"), message))
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="planner"'
    return response, status
