"""JSON API, version 1 (conventions in docs/api.md; spec at /api/v1/openapi.json)."""

from flask import Blueprint

from planner.errors import N_, NotFound
from planner.schemas.common import MAX_ID

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.url_value_preprocessor
def _ids_in_range(_endpoint: str | None, values: dict | None) -> None:
    """404 for a path id no integer column can hold (the document says 1..2^31-1), before any query sees it."""
    if any(isinstance(value, int) and not 1 <= value <= MAX_ID for value in (values or {}).values()):
        raise NotFound("not_found", N_("No such object."))


# Each module registers its routes on bp and describes them in its OPENAPI dict.
from planner.api import (  # noqa: E402
    accounts,
    discovery,
    events,
    feeds,
    groups,
    meeting_points,
    notifications,
    openapi,  # noqa: E402,F401
    posts,
    privacy,
    routes,
    series,
)

MODULES = (accounts, routes, discovery, groups, events, meeting_points, posts, privacy, notifications, feeds, series)
