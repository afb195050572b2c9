"""A caching map-tile proxy, so pages load tiles from our own origin and work (without tiles) offline.

Tiles are fetched from the configured upstream (TILES_URL, OpenStreetMap by default) with a short
timeout, kept on disk under TILES_CACHE_DIR, and served with a long cache lifetime. When the
upstream cannot be reached, further fetches are skipped for a back-off period so pages stay fast, and
the map gets a plain grey tile that browsers must not keep (so the real one loads once it can).
"""

from __future__ import annotations

import functools
import logging
import struct
import threading
import time
import urllib.error
import urllib.request
import zlib
from pathlib import Path

from flask import current_app

from planner.errors import N_, NotFound


class Unreachable(NotFound):
    """The tile server cannot be reached or sent something unusable (the tile exists, we just lack it)."""


log = logging.getLogger(__name__)
MAX_ZOOM = 19
MAX_TILE_BYTES = 1_000_000
BACKOFF_S = 60.0
_backoff = {"until": 0.0}
_lock = threading.Lock()


def fetch_upstream(url: str, user_agent: str, timeout_s: float) -> bytes:
    """GET one tile from the upstream server."""
    request = urllib.request.Request(url, headers={"User-Agent": user_agent})
    with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310 (configured https URL)
        return response.read(MAX_TILE_BYTES + 1)


def tile_png(z: int, x: int, y: int) -> bytes:
    """The PNG of tile z/x/y, from the disk cache or the upstream; NotFound when it cannot be had."""
    if not (0 <= z <= MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z):
        raise NotFound("not_found", N_("No such tile."))
    config = current_app.config
    upstream = config["TILES_URL"]
    if not upstream:
        raise NotFound("not_found", N_("Map tiles are switched off."))
    path = Path(config["TILES_CACHE_DIR"]) / str(z) / str(x) / f"{y}.png"
    if path.exists():
        return path.read_bytes()
    if time.monotonic() < _backoff["until"]:
        raise Unreachable("tile_unavailable", N_("The tile server cannot be reached."))
    try:
        data = fetch_upstream(upstream.format(z=z, x=x, y=y), config["TILES_USER_AGENT"], config["TILES_TIMEOUT_S"])
    except (OSError, urllib.error.URLError, ValueError) as error:
        with _lock:
            _backoff["until"] = time.monotonic() + BACKOFF_S
        log.info("tile server unavailable (%s); retrying in %.0f s", type(error).__name__, BACKOFF_S)
        raise Unreachable("tile_unavailable", N_("The tile server cannot be reached.")) from None
    if len(data) > MAX_TILE_BYTES or not data.startswith(b"\x89PNG"):
        raise Unreachable("tile_unavailable", N_("The tile server sent something that is not a PNG tile."))
    _store(path, data)
    return data


@functools.cache
def blank_png(size_px: int = 256, grey: int = 0xE8) -> bytes:
    """A plain light-grey square PNG: what the map shows where a tile cannot be had."""
    row = b"\x00" + bytes([grey]) * size_px  # filter byte, then one greyscale byte a pixel
    header = struct.pack(">IIBBBBB", size_px, size_px, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + b"".join(
        struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        for kind, body in ((b"IHDR", header), (b"IDAT", zlib.compress(row * size_px, 9)), (b"IEND", b""))
    )


def _store(path: Path, data: bytes) -> None:
    """Write a tile to the cache atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{threading.get_ident()}.partial")
    partial.write_bytes(data)
    partial.replace(path)
