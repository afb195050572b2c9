"""Series pages: going to every occurrence (and stopping), the series as iCalendar."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _

from planner.downloads import attachment
from planner.services import series, series_ics
from planner.web.groups import me

bp = Blueprint("series", __name__)

# The form's repeat choices as RRULE parts; "monthly" adds the weekday of the first date (1SA, -1SU).
REPEATS = {"weekly": "FREQ=WEEKLY", "biweekly": "FREQ=WEEKLY;INTERVAL=2", "monthly": "FREQ=MONTHLY"}
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def form_rule(repeat: str, count: int | None, custom: str, first_day) -> str | None:
    """The RRULE the outing form asks for (None: no repeat); the service checks it."""
    if not repeat:
        return None
    if repeat == "custom":
        return custom or ""
    rule = REPEATS.get(repeat, "FREQ=WEEKLY")
    if repeat == "monthly" and first_day is not None:
        nth = (first_day.day - 1) // 7 + 1
        rule += f";BYDAY={nth if nth < 5 else -1}{DAY_CODES[first_day.weekday()]}"
    return f"{rule};COUNT={count or ''}"


def _back(series_id: int) -> str:
    """The page to return to: the outing the form was on, else the series' first occurrence."""
    event_id = request.form.get("event_id", "")
    if event_id.isdigit():
        return url_for("events.show", event_id=int(event_id))
    rows = series.occurrences(series_id)
    return url_for("events.show", event_id=rows[0].id) if rows else url_for("main.home")


@bp.post("/series/<int:series_id>/rsvp")
def follow(series_id: int):
    """Go to every occurrence."""
    series.follow(series_id, me())
    flash(_("You're going to every one (on the waitlist where one is full)"), "success")
    return redirect(_back(series_id))


@bp.post("/series/<int:series_id>/rsvp/cancel")
def unfollow(series_id: int):
    """Stop going to every occurrence."""
    series.unfollow(series_id, me())
    flash(_("You're no longer going to every one"), "info")
    return redirect(_back(series_id))


@bp.get("/series/<int:series_id>.ics")
def download_ics(series_id: int):
    """The series as iCalendar, for the logged-in viewer."""
    base = url_for("main.home", _external=True).rstrip("/")
    return attachment(series_ics.series_ics(series_id, me(), base), f"series-{series_id}.ics", "text/calendar")
