"""Embedding folium maps in pages with locally served assets, and the maps' words in the reader's language."""

from __future__ import annotations

import folium
from flask import current_app, g, url_for
from flask_babel import gettext as _

from planner.assets import asset_urls
from planner.config import OSM_CREDIT
from planner.geo.maps import ControlWords, MapParts, TileConfig, label_controls, render
from planner.i18n import current_locale
from planner.web.tiles import PROXY_URL


def control_words() -> ControlWords:
    """The map controls' words in the reader's language (no miles and feet in Chinese)."""
    return ControlWords(
        zoom_in=_("Zoom in"),
        zoom_out=_("Zoom out"),
        leaflet=_("A JavaScript library for interactive maps"),
        metres=_("%(num)s m"),
        km=_("%(num)s km"),
        imperial=current_locale() == "en",
    )


def embed(m: folium.Map) -> MapParts:
    """Split a folium map for a template, its controls in the reader's language and its assets our static/ files."""
    label_controls(m, control_words())
    return render(m, asset_urls(lambda path: url_for("static", filename=path)), nonce=g.get("csp_nonce"))


def tile_options() -> dict:
    """Tiles for folium builders: our own /tiles proxy, or tiles=None when PLANNER_TILES_URL is empty."""
    if not current_app.config["TILES_URL"]:
        return {"tiles": None}
    attribution = current_app.config["TILES_ATTRIBUTION"]
    if attribution == OSM_CREDIT:  # the default credit, in the reader's language
        attribution = _('&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors')
    return {"tiles": TileConfig(url=PROXY_URL, attribution=attribution)}
