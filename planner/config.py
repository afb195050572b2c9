"""Settings from the environment; every variable is documented in README.md."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

MB = 1024 * 1024
ROOT = Path(__file__).resolve().parent.parent


# The credit OpenStreetMap's tiles require; planner.web.maps shows it in the reader's language.
OSM_CREDIT = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'


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
        # Outgoing e-mail: SMTP when PLANNER_SMTP_HOST is set, else .eml files under PLANNER_MAIL_DIR.
        "SMTP_HOST": os.environ.get("PLANNER_SMTP_HOST", "").strip(),
        "SMTP_PORT": _int("PLANNER_SMTP_PORT", 587),
        # starttls (the default), tls (implicit TLS, usually port 465) or none (a relay on this machine)
        "SMTP_SECURITY": os.environ.get("PLANNER_SMTP_SECURITY", "starttls").strip().lower(),
        "SMTP_USER": os.environ.get("PLANNER_SMTP_USER", ""),
        "SMTP_PASSWORD": os.environ.get("PLANNER_SMTP_PASSWORD", ""),
        "SMTP_TIMEOUT_S": float(os.environ.get("PLANNER_SMTP_TIMEOUT_S", "10")),
        "MAIL_FROM": os.environ.get("PLANNER_MAIL_FROM", "planner <planner@localhost>"),
        "MAIL_DIR": os.environ.get("PLANNER_MAIL_DIR", str(ROOT / "var" / "mail")),
        # A mail job retries this many times (after the first try), waiting BASE_S, BASE_S**2, BASE_S**3 … seconds.
        "MAIL_RETRY_ATTEMPTS": _int("PLANNER_MAIL_RETRY_ATTEMPTS", 12),
        "MAIL_RETRY_BASE_S": _int("PLANNER_MAIL_RETRY_BASE_S", 2),
        # `flask worker`: a heartbeat every HEARTBEAT_S; a worker silent for STALLED_S is dead and its jobs rerun.
        "WORKER_HEARTBEAT_S": float(os.environ.get("PLANNER_WORKER_HEARTBEAT_S", "10")),
        "WORKER_STALLED_S": float(os.environ.get("PLANNER_WORKER_STALLED_S", "30")),
        # 1 shows the .eml files of MAIL_DIR at /dev/mail (also shown whenever the app runs in debug mode).
        "DEV_MAIL_PAGE": os.environ.get("PLANNER_DEV_MAIL_PAGE", "") == "1",
        # Links in e-mails and calendar feeds point here (no request to take the host from in a worker).
        "BASE_URL": os.environ.get("PLANNER_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "TILES_ATTRIBUTION": os.environ.get("PLANNER_TILES_ATTRIBUTION", OSM_CREDIT),
    }
