"""The token owner's private calendar feed: its URL, and a new URL that retires the old one."""

from __future__ import annotations

from flask import current_app, jsonify

from planner.api import bp
from planner.api.auth import bearer_user, token_required
from planner.api.openapi import op
from planner.schemas.feeds import FeedOut
from planner.services import feeds

OPENAPI = {
    "/me/calendar-feed": {
        "get": op(
            "The secret URL of your calendar feed (iCalendar; subscribe to it in a calendar app): the outings you "
            "are going to or waitlisted for, each at your meeting point. Made the first time you ask",
            200,
            401,
            out=FeedOut,
            auth=True,
        ),
    },
    "/me/calendar-feed/rotate": {
        "post": op(
            "Replace your calendar feed's URL with a new one; the old URL stops working (404)",
            200,
            401,
            out=FeedOut,
            auth=True,
        ),
    },
}


def _answer(key: str):
    """{url} of the feed with this secret."""
    return jsonify(url=feeds.feed_url(key, current_app.config["BASE_URL"]))


@bp.get("/me/calendar-feed")
@token_required
def calendar_feed():
    """The token owner's feed URL."""
    return _answer(feeds.feed_url_key(bearer_user()))


@bp.post("/me/calendar-feed/rotate")
@token_required
def rotate_calendar_feed():
    """A new feed URL for the token owner."""
    return _answer(feeds.rotate(bearer_user()))
