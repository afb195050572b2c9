"""Map tiles from our own origin (see services/tiles.py)."""

from __future__ import annotations

from flask import Blueprint, Response

from planner.services import tiles

bp = Blueprint("tiles", __name__)
PROXY_URL = "/tiles/{z}/{x}/{y}.png"


@bp.get("/tiles/<int:z>/<int:x>/<int:y>.png")
def tile(z: int, x: int, y: int):
    """One map tile; a plain grey one, not to be cached, while the tile server cannot be reached (404 when
    tiles are off or there is no such tile)."""
    try:
        response = Response(tiles.tile_png(z, x, y), mimetype="image/png")
    except tiles.Unreachable:
        response = Response(tiles.blank_png(), mimetype="image/png")
        response.headers["Cache-Control"] = "no-store"
        return response
    response.headers["Cache-Control"] = "public, max-age=604800"
    return response
