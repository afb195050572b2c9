"""File download responses shared by the pages and the API."""

from __future__ import annotations

from flask import Response

GPX_MIMETYPE = "application/gpx+xml"


def attachment(body: bytes | str, filename: str, mimetype: str = GPX_MIMETYPE) -> Response:
    """A response that downloads body as filename."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
