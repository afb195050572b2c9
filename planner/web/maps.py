"""Embedding folium maps in pages with locally served assets."""
from __future__ import annotations

import folium
from flask import current_app, g, url_for

from planner.assets import ASSET_FILES
from planner.geo.maps import MapParts, render


def embed(m: folium.Map) -> MapParts:
    """Split a folium map for a template, pointing its assets at our static/ files."""
    asset_urls = {name: url_for("static", filename=path) for name, path in ASSET_FILES.items()}
    return render(m, asset_urls, nonce=g.get("csp_nonce"))


def tile_options() -> dict:
    """The configured tile layer for folium builders (None when tiles are switched off)."""
    return {"tiles": current_app.config["TILES_URL"] or None, "attribution": current_app.config["TILES_ATTRIBUTION"]}
