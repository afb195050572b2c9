"""Settings from the environment; every variable is documented in README.md."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

MB = 1024 * 1024
ROOT = Path(__file__).resolve().parent.parent


def _int(name: str, default: int) -> int:
    """An integer environment variable, or its default."""
    value = os.environ.get(name)
    return int(value) if value else default


def _geocoder_url() -> str:
    """The Nominatim-compatible geocoder base URL, or "" when switched off."""
    value = os.environ.get("PLANNER_GEOCODER", "https://nominatim.openstreetmap.org")
    return "" if value.strip().lower() in ("", "offline", "none") else value.strip()


def from_env() -> dict:
    """The app's configuration read from environment variables."""
    max_upload_bytes = _int("PLANNER_MAX_UPLOAD_BYTES", 20 * MB)
    return {
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL", ""),
        # A connection killed by a database restart is replaced at checkout (extensions.ping_idle_connections),
        # not answered with a 500 (tests/scaleout/test_database_restart.py).
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_recycle": 1800},
        # A random key per process is safe but logs everyone out on restart: set SECRET_KEY in production.
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_hex(32),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("PLANNER_SECURE_COOKIES", "") == "1",
        "MAX_GPX_BYTES": max_upload_bytes,
        # Allow a little room for the multipart envelope around the GPX file itself.
        "MAX_CONTENT_LENGTH": max_upload_bytes + MB,
        "MAX_GPX_POINTS": _int("PLANNER_MAX_GPX_POINTS", 200_000),
        # memory:// suits one process; use redis://host:6379/0 when several processes serve the app.
        "RATELIMIT_STORAGE_URI": os.environ.get("PLANNER_RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": os.environ.get("PLANNER_RATELIMIT_ENABLED", "1") != "0",
        "RATELIMIT_HEADERS_ENABLED": True,
        # If Redis is down, count in this process's memory rather than refusing log-ins and posts.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATE_LIMIT_LOGIN": os.environ.get("PLANNER_RATE_LIMIT_LOGIN", "10 per minute; 100 per hour"),
        "RATE_LIMIT_REGISTER": os.environ.get("PLANNER_RATE_LIMIT_REGISTER", "5 per minute; 50 per day"),
        "RATE_LIMIT_UPLOAD": os.environ.get("PLANNER_RATE_LIMIT_UPLOAD", "20 per hour"),
        "RATE_LIMIT_POST": os.environ.get("PLANNER_RATE_LIMIT_POST", "30 per minute; 300 per day"),
        # Set to 1 behind a reverse proxy that sets X-Forwarded-For (rate limits key on the client address).
        "PROXY_FIX": os.environ.get("PLANNER_PROXY_FIX", "") == "1",
        "API_TOKEN_TTL_DAYS": _int("PLANNER_API_TOKEN_TTL_DAYS", 30),
        # Empty or "offline" switches the remote geocoder off; the offline gazetteer always answers.
        "GEOCODER_URL": _geocoder_url(),
        "GEOCODER_USER_AGENT": os.environ.get("PLANNER_GEOCODER_USER_AGENT", "planner (self-hosted)"),
        "GEOCODER_TIMEOUT_S": float(os.environ.get("PLANNER_GEOCODER_TIMEOUT_S", "2")),
        # Upstream tile server; browsers get tiles from our /tiles proxy, never from another host.
        "TILES_URL": os.environ.get("PLANNER_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
        "TILES_CACHE_DIR": os.environ.get("PLANNER_TILES_CACHE_DIR", str(ROOT / "var" / "tiles")),
        "TILES_USER_AGENT": os.environ.get("PLANNER_TILES_USER_AGENT", "planner tile cache (self-hosted)"),
        "TILES_TIMEOUT_S": float(os.environ.get("PLANNER_TILES_TIMEOUT_S", "3")),
        "TILES_ATTRIBUTION": os.environ.get(
            "PLANNER_TILES_ATTRIBUTION",
            '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
        ),
    }
