"""Calendar feeds: the private feed and the public group feeds as iCalendar, and the page with your feed's link."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from planner.services import feeds
from planner.web.community_forms import ActionForm
from planner.web.groups import login_page, me

bp = Blueprint("feeds", __name__)

FEED_MIMETYPE = "text/calendar"  # Flask adds "; charset=utf-8" to text types
MAX_AGE_S = 300


def _ics(body: bytes, cache: str) -> Response:
    """A feed answer: iCalendar in UTF-8 that calendar apps may keep for MAX_AGE_S."""
    response = Response(body, mimetype=FEED_MIMETYPE)
    response.headers["Cache-Control"] = f"{cache}, max-age={MAX_AGE_S}"
    return response


def _base_url() -> str:
    """Where links in feeds point (the configured BASE_URL, as in e-mails)."""
    return current_app.config["BASE_URL"]


@bp.get("/calendar/<key>.ics")
def user_calendar(key: str):
    """A person's private feed, found by the secret in its URL (no log-in: calendar apps fetch it)."""
    response = _ics(feeds.user_feed(key, _base_url()), "private")
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/groups/<int:group_id>/calendar.ics")
def group_calendar(group_id: int):
    """A public group's outings as a feed, in the requester's language; 404 for private groups."""
    response = _ics(feeds.group_feed(group_id, _base_url()), "public")
    response.vary.update(("Accept-Language", "Cookie"))  # the words planner adds follow the requester's language
    return response


@bp.get("/me/calendar")
@login_page
def calendar_page():
    """Your feed's link to copy into a calendar app, and a button to replace it."""
    url = feeds.feed_url(feeds.feed_url_key(me()), _base_url())
    webcal = "webcal://" + url.split("://", 1)[-1]
    return render_template("feeds/calendar.html", url=url, webcal=webcal, action_form=ActionForm())


@bp.post("/me/calendar/rotate")
@login_page
def rotate():
    """Replace your feed's link; the old one stops working (the app-wide CSRFProtect checks the form's token)."""
    feeds.rotate(me())
    flash(_("New calendar link made; the old one no longer works."), "success")
    return redirect(url_for("feeds.calendar_page"))
