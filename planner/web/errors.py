"""HTML error pages."""

from __future__ import annotations

from flask import render_template
from werkzeug.exceptions import HTTPException

from planner.errors import ServiceError

TITLES = {
    400: "Bad request",
    401: "Please log in",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed",
    409: "Conflict",
    413: "Too large",
    429: "Slow down",
    500: "Something went wrong",
}


def html_error(error: Exception):
    """Render the error page for a ServiceError or an HTTPException."""
    if isinstance(error, ServiceError):
        status, message = error.status, error.message
    else:
        assert isinstance(error, HTTPException)
        status, message = error.code or 500, error.description or ""
        if status == 413:
            message = "The upload is larger than this server accepts."
    return render_template("error.html", status=status, title=TITLES.get(status, "Error"), message=message), status
