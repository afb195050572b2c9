"""HTML error pages, in the reader's language: a title and a sentence per status.

A ServiceError carries its own sentence. For an HTTPException the page says planner's own sentence for its
status (werkzeug's descriptions are English), unless the app gave a description marked for translation.
"""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from werkzeug.exceptions import HTTPException

from planner.errors import ServiceError

TITLES = {
    400: _l("Bad request"),
    401: _l("Please log in"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Not allowed"),
    409: _l("Conflict"),
    413: _l("Too large"),
    429: _l("Slow down"),
    500: _l("Something went wrong"),
    503: _l("Unavailable for a moment"),
}
ERROR = _l("Error")
MESSAGES = {
    400: _l("The request could not be understood. Go back and try again."),
    401: _l("Please log in to see this page."),
    403: _l("You are not allowed to do this."),
    404: _l("There is no such page. The link may be old, or the address mistyped."),
    405: _l("This page cannot be used that way. Go back and try again from the page itself."),
    409: _l("This clashes with a change made in the meantime. Reload the page and try again."),
    413: _l("The upload is larger than this server accepts."),
    429: _l("Too many tries in a short time. Wait a minute, then try again."),
    500: _l("Something went wrong on our side. Please try again in a moment."),
    503: _l("This service is unavailable for a moment. Please try again shortly."),
}


def http_message(error: HTTPException) -> str:
    """What the page says of an HTTPException: its description when the app marked one for translation, else our
    sentence for its status."""
    if isinstance(error.description, LazyString):
        return str(error.description)
    status = error.code or 500
    return str(MESSAGES.get(status) or MESSAGES[500 if status >= 500 else 400])


def html_error(error: Exception):
    """Render the error page for a ServiceError or an HTTPException."""
    if isinstance(error, ServiceError):
        status, message = error.status, error.message
    else:
        assert isinstance(error, HTTPException)
        status, message = error.code or 500, http_message(error)
    title = str(TITLES.get(status, ERROR))
    return render_template("error.html", status=status, title=title, message=message), status
