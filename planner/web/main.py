"""The home page: upcoming outings beside a map of their start points."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for

from planner.geo import maps
from planner.services import events
from planner.web.maps import embed, tile_options

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    """Upcoming outings and a map of where they start."""
    upcoming = events.upcoming_events(limit=30)
    markers = [
        {
            "id": e["id"],
            "lat": e["lat"],
            "lon": e["lon"],
            "title": e["title"],
            "url": url_for("events.show", event_id=e["id"]),
            "starts_at_text": e["starts_at_text"],
        }
        for e in upcoming
    ]
    event_map = embed(maps.events_map(markers, **tile_options()))
    return render_template("home.html", events=upcoming, event_map=event_map)
