"""The home page: what is near you first (popular and soonest outings, groups), beside a map of them.

Where "near" is, in order: the browser's location (static/js/home.js adds ?lat=&lon= when the visitor
allows it; the session keeps it), the visitor's own home area (set on /me/home-area), the place last
searched on explore (kept in the session), the home area of the group the visitor joined last; else
the upcoming outings everywhere with a prompt for a place.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request, session, url_for
from flask_login import current_user
from geoalchemy2.shape import to_shape

from planner.errors import ServiceError
from planner.geo import maps
from planner.i18n import current_locale
from planner.schemas import parse_query
from planner.schemas.discovery import Near
from planner.services import events, popular, search
from planner.times import local_text
from planner.web.maps import embed, tile_options

bp = Blueprint("main", __name__)

LAST_PLACE = "last_place"
GROUPS_NEARBY = 6


def _me():
    """The logged-in user, or None."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def remember_place(name: str, lat: float, lon: float, source: str = "search") -> None:
    """Keep the place last searched (rounded to ~100 m) and where it came from in the session for the home page."""
    session[LAST_PLACE] = {
        "name": str(name)[:120],
        "lat": round(float(lat), 3),
        "lon": round(float(lon), 3),
        "source": "browser" if source == "browser" else "search",
    }


def _last_place() -> dict | None:
    """{name, lat, lon, source} of the place kept in the session, or None (a broken one is dropped)."""
    last = session.get(LAST_PLACE)
    if not isinstance(last, dict) or not {"name", "lat", "lon"} <= last.keys():
        return None
    try:
        near = parse_query(Near, {"lat": last["lat"], "lon": last["lon"]})
    except ServiceError:
        session.pop(LAST_PLACE, None)
        return None
    source = "browser" if last.get("source") == "browser" else "search"
    return {"name": str(last["name"]), "lat": near.lat, "lon": near.lon, "source": source}


def _where() -> dict | None:
    """{name, lat, lon, source} of "near you", or None when nothing is known (see the module docstring)."""
    if request.args.get("lat") or request.args.get("lon"):
        near = parse_query(Near, {name: request.args.get(name, "") for name in ("lat", "lon")})
        remember_place("your location", near.lat, near.lon, "browser")
        return {"name": "your location", "lat": near.lat, "lon": near.lon, "source": "browser"}
    last = _last_place()
    if last is not None and last["source"] == "browser":
        return last
    user = _me()
    if user is not None and user.share_home_area and user.home_area is not None:  # home_area is deferred
        point = to_shape(user.home_area)
        return {"name": "your home area", "lat": point.y, "lon": point.x, "source": "home"}
    if last is not None:
        return last
    home = popular.groups_home(user)
    if home is not None:
        return {"name": home["name"], "lat": home["lat"], "lon": home["lon"], "source": "group"}
    return None


def _marker(e: dict) -> dict:
    """An outing as an events_map marker, its time in the reader's language."""
    return {
        "id": e["id"],
        "lat": e["lat"],
        "lon": e["lon"],
        "title": e["title"],
        "url": url_for("events.show", event_id=e["id"]),
        "starts_at_text": local_text(e["starts_at"], e["timezone"], current_locale()),
    }


@bp.get("/")
def home():
    """Outings and groups near you first, and a map of them."""
    where = _where()
    if where is None:
        upcoming = events.upcoming_events(limit=30)
        lists: dict[str, list[dict]] = {"popular": [], "soonest": upcoming}
        nearby_groups: list[dict] = []
        center = None
    else:
        lists = popular.near_you(where["lat"], where["lon"], _me())
        nearby_groups = search.groups_nearby(
            where["lat"], where["lon"], popular.DEFAULT_RADIUS_KM * 1000.0, limit=GROUPS_NEARBY
        )
        center = (where["lat"], where["lon"])
    lists = {name: events.with_labels(rows, current_locale()) for name, rows in lists.items()}
    shown = {e["id"]: _marker(e) for e in (*lists["popular"], *lists["soonest"])}
    event_map = maps.events_map(list(shown.values()), center=center, zoom=11 if center else 2, **tile_options())
    return render_template(
        "home.html",
        where=where,
        popular=lists["popular"],
        soonest=lists["soonest"],
        groups=nearby_groups,
        radius_km=popular.DEFAULT_RADIUS_KM,
        event_map=embed(event_map),
        map_name=event_map.get_name(),
    )
