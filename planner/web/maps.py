"""Embedding folium maps in pages with locally served assets."""

from __future__ import annotations

import folium
from flask import current_app, g, url_for

from planner.assets import asset_urls
from planner.geo.maps import MapParts, TileConfig, render
from planner.web.tiles import PROXY_URL


def embed(m: folium.Map) -> MapParts:
    """Split a folium map for a template, pointing its assets at our static/ files."""
    return render(m, asset_urls(lambda path: url_for("static", filename=path)), nonce=g.get("csp_nonce"))


def tile_options() -> dict:
    """Tiles for folium builders: our own /tiles proxy, or tiles=None when PLANNER_TILES_URL is empty."""
    if not current_app.config["TILES_URL"]:
        return {"tiles": None}
    return {"tiles": TileConfig(url=PROXY_URL, attribution=current_app.config["TILES_ATTRIBUTION"])}
