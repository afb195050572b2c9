"""API: series of outings — read with the occurrences, as iCalendar, going to every one (see docs/api.md)."""

from __future__ import annotations

from flask import Response, jsonify, url_for

from planner.api import bp
from planner.api.auth import bearer_user, token_required
from planner.api.openapi import ID, op
from planner.i18n import current_locale
from planner.schemas.series import FollowOut, SeriesOut
from planner.services import series, series_ics

OPENAPI = {
    "/series/{id}": {"get": op("A series: its rule and its occurrences so far", 200, 404, out=SeriesOut, params=[ID])},
    "/series/{id}.ics": {
        "get": op(
            "The series as one VEVENT with RRULE, EXDATE for cancelled occurrences and RECURRENCE-ID for edited ones",
            200,
            404,
            media="text/calendar",
            params=[ID],
        )
    },
    "/series/{id}/rsvp": {
        "post": op(
            "Go to every occurrence (waitlisted where one is full); withdraw from one with DELETE /events/{id}/rsvp",
            200,
            401,
            403,
            404,
            out=FollowOut,
            auth=True,
            params=[ID],
        ),
        "delete": op(
            "Stop going to every occurrence: withdrawn from the upcoming ones",
            200,
            401,
            404,
            out=FollowOut,
            auth=True,
            params=[ID],
        ),
    },
}


@bp.get("/series/<int:series_id>")
def get_series(series_id: int):
    """One series."""
    return jsonify(series.series_dict(series_id, bearer_user(), current_locale()))


@bp.get("/series/<int:series_id>.ics")
def series_calendar(series_id: int):
    """The series as iCalendar."""
    base = url_for("main.home", _external=True).rstrip("/")
    body = series_ics.series_ics(series_id, bearer_user(), base)
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="series-{series_id}.ics"'},
    )


@bp.post("/series/<int:series_id>/rsvp")
@token_required
def follow_series(series_id: int):
    """Go to every occurrence."""
    return jsonify(series.follow(series_id, bearer_user()))


@bp.delete("/series/<int:series_id>/rsvp")
@token_required
def unfollow_series(series_id: int):
    """Stop going to every occurrence."""
    return jsonify(series.unfollow(series_id, bearer_user()))
