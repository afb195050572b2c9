"""The explore page: find outings, groups and routes near a place, nearest first, beside a map.

The whole query lives in the URL (a GET form), so a search can be shared and reloaded. The map's
event markers are not inlined: static/js/explore.js loads them from GET /api/v1/events?bbox= as the
map moves.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from planner.errors import N_, ServiceError
from planner.geo import maps
from planner.i18n import current_locale
from planner.models.event import DIFFICULTIES
from planner.models.group import INTERESTS
from planner.models.route import ACTIVITIES
from planner.schemas import parse_query
from planner.schemas.discovery import DEFAULT_RADIUS_KM, ExploreQuery
from planner.services import events, search
from planner.services.geocode import geocode
from planner.times import local_text
from planner.web.main import remember_place
from planner.web.maps import embed, tile_options

bp = Blueprint("explore", __name__)

KINDS = ("events", "groups", "routes")
PAGE_SIZE = 20
# The parameters the page understands; anything else in the URL is ignored.
FIELDS = (
    "q",
    "words",
    "lat",
    "lon",
    "radius_km",
    "what",
    "activity",
    "interest",
    "difficulty",
    "from",
    "to",
    "min_length_km",
    "max_length_km",
    "has_spots",
)
WORLD_VIEW = ((20.0, 0.0), 2)
# The difficulties as people read them.
DIFFICULTY_LABELS = {"easy": _l("easy"), "moderate": _l("moderate"), "hard": _l("hard"), "expert": _l("expert")}


def _place(args: Mapping[str, str], query: ExploreQuery) -> tuple[dict | None, list[dict]]:
    """The search centre ({name, lat, lon}) from q (geocoded) or lat/lon, and the other matches of q."""
    q = (args.get("q") or "").strip()
    if q:
        places = [p.as_dict() for p in geocode(q)]
        if not places:
            raise ServiceError(
                "place_not_found", N_("No place called “%(place)s” was found. Try a city name."), "q", place=q
            )
        return places[0], places[1:]
    if query.lat is not None and query.lon is not None:
        return {"name": "your location", "lat": query.lat, "lon": query.lon, "country": "", "source": "browser"}, []
    return None, []


def _results(kind: str, query: ExploreQuery, place: dict) -> tuple[list[dict], bool]:
    """One page of results of kind near place, nearest first, and whether a next page exists."""
    lat, lon, radius_m = place["lat"], place["lon"], query.radius_km * 1000.0
    window = {"limit": PAGE_SIZE + 1, "offset": (query.page - 1) * PAGE_SIZE}
    if kind == "groups":
        rows = search.groups_nearby(lat, lon, radius_m, interest=query.interest, **window)
    elif kind == "routes":
        min_length_m, max_length_m = query.length_range_m()
        rows = search.routes_nearby(
            lat,
            lon,
            radius_m,
            activity=query.activity,
            min_length_m=min_length_m,
            max_length_m=max_length_m,
            **window,
        )
    else:
        rows = search.events_nearby(lat, lon, radius_m, search.event_filters(query), **window)
        details = search.event_details([row["id"] for row in rows])
        rows = [
            {
                **row,
                **details.get(row["id"], {}),
                "starts_at_text": local_text(row["starts_at"], row["timezone"], current_locale()),
            }
            for row in events.with_labels(rows, current_locale())
        ]
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def _map(place: dict | None, radius_km: float):
    """The folium map, centred on the search with a zoom that shows the radius, or on the world."""
    if place is None:
        center, zoom = WORLD_VIEW
    else:
        center = (place["lat"], place["lon"])
        zoom = max(3, min(14, round(14 - math.log2(max(radius_km, 1.0)))))
    return maps.events_map([], center=center, zoom=zoom, **tile_options())


def _page_url(args: Mapping[str, str], page: int) -> str:
    """This search's URL at another page."""
    kept: dict[str, Any] = {name: args[name] for name in FIELDS if args.get(name)}  # url_for's **values are Any
    return url_for("explore.explore", **kept, page=page)


@bp.get("/explore")
def explore():
    """Nearby outings, groups or routes beside a map; the query is in the URL."""
    args = request.args
    what = args.get("what")
    kind = what if what in KINDS else "events"
    place: dict | None = None
    others: list[dict] = []
    results: list[dict] = []
    has_next = False
    error: ServiceError | None = None
    page, radius_km = 1, DEFAULT_RADIUS_KM
    try:
        query = parse_query(ExploreQuery, {name: args[name] for name in (*FIELDS, "page") if name in args})
        page, radius_km = query.page, query.radius_km
        place, others = _place(args, query)
        if place is not None:
            remember_place(place["name"], place["lat"], place["lon"], place["source"])
            results, has_next = _results(kind, query, place)
    except ServiceError as refused:
        page, error = 1, refused
    folium_map = _map(place, radius_km)
    return render_template(
        "explore.html",
        kind=kind,
        kinds=KINDS,
        place=place,
        other_places=others,
        results=results,
        error=error,
        form={name: args.get(name, "") for name in FIELDS},
        radius_km=radius_km,
        activities=ACTIVITIES,
        interests=INTERESTS,
        difficulties=DIFFICULTIES,
        difficulty_labels=DIFFICULTY_LABELS,
        map_parts=embed(folium_map),
        map_name=folium_map.get_name(),
        prev_url=_page_url(args, page - 1) if page > 1 and error is None else None,
        next_url=_page_url(args, page + 1) if has_next else None,
        page=page,
        page_size=PAGE_SIZE,
    ), (400 if error else 200)
