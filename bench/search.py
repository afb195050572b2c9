"""Search by words at a million outings, each target a ratio against the nearby query measured in the same run.

Run by `make bench` (needs DATABASE_URL). Uses bench/nearby.py's data set (planner_bench: 1,000,000 outings,
100,000 routes, 3,000 groups; loaded once, see _nearby_data.py) with words given once by _search_words.py:
titles and descriptions from an English and a Chinese vocabulary, a few words common and most rare.

The queries are what people type, drawn from the data: one or two neighbouring words of a random outing's
title, or two to four characters of a Chinese one (so common words are asked often, as they are in use).
Interleaved per (city centre, query), at p95 over 200 pairs x ROUNDS:
- floor: the nearby query (search.events_nearby: upcoming outings within 50 km, a page of 20, no words);
- outings by words near the centre (word_search.find, kind event: the nearby query plus the words);
- outings by words anywhere (best match first).
Both word searches go through the same service calls as GET /api/v1/search?kind=event. For context (no
target): all three kinds (outings, groups, routes), with and without the place.
"""

from __future__ import annotations

import os
import random
import sys
from datetime import UTC, datetime
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import _nearby_data as data  # noqa: E402
import _search_words as words_data  # noqa: E402
from _ratios import check, interleaved, p95, report  # noqa: E402

from planner import create_app  # noqa: E402
from planner.schemas.discovery import parse_words  # noqa: E402
from planner.services import search, word_search  # noqa: E402

RADIUS_M = 50_000.0
PAIRS = 200
ROUNDS = 3
SEED = 20261207
STOP_WORDS = {"to", "at", "around"}
TARGETS = {  # label: (op, target)
    "words near a place p95 / nearby p95": ("<=", 3.0),
    "words anywhere p95 / nearby p95": ("<=", 3.0),
}


def queries(conn: psycopg.Connection, count: int, rng: random.Random) -> list[str]:
    """count queries cut from the titles of random outings: one or two neighbouring words, or 2-4 characters."""
    top = conn.execute("SELECT max(id) FROM events").fetchone()[0]
    ids = [rng.randint(1, top) for _ in range(count * 2)]
    titles = [row[0] for row in conn.execute("SELECT title FROM events WHERE id = ANY(%s) ORDER BY id", (ids,))]
    rng.shuffle(titles)
    found = []
    for title in titles[:count]:
        if title.isascii():
            words = [word for word in title.split() if word.lower() not in STOP_WORDS]
            start = rng.randrange(len(words))
            found.append(" ".join(words[start : start + rng.choice((1, 1, 2))]))
        else:
            size = min(len(title), rng.choice((2, 2, 3, 4)))
            start = rng.randrange(len(title) - size + 1)
            found.append(title[start : start + size])
    return found


def measure(app, pairs: list[tuple[float, float, str]]) -> dict[str, float]:
    """p95 (s) of each query over the pairs, interleaved."""
    upcoming = datetime.now(UTC)
    plain = search.EventFilters(starts_from=upcoming)
    parsed = {text: parse_words(text) for _, _, text in pairs}
    runs = {
        "floor: nearby outings, 50 km (search.events_nearby)": lambda lat, lon, text: search.events_nearby(
            lat, lon, RADIUS_M, plain
        ),
        "outings by words within 50 km": lambda lat, lon, text: word_search.find(
            parsed[text], plain, ("event",), (lat, lon, RADIUS_M)
        ),
        "outings by words anywhere": lambda lat, lon, text: word_search.find(parsed[text], plain, ("event",)),
        "context: every kind by words within 50 km": lambda lat, lon, text: word_search.find(
            parsed[text], plain, word_search.KINDS, (lat, lon, RADIUS_M)
        ),
        "context: every kind by words anywhere": lambda lat, lon, text: word_search.find(parsed[text], plain),
    }
    with app.app_context():
        samples = interleaved(runs, pairs, ROUNDS)
    for name, values in samples.items():
        report(name, values)
    return {name: p95(values) for name, values in samples.items()}


def main() -> int:
    """Load (once), give the outings words (once), measure, print each ratio with PASS/MISS; exit 1 on a miss."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        print("Set DATABASE_URL to the PostGIS server (make bench does).", file=sys.stderr)
        return 2
    bench_url = data.ensure_loaded(url, data.LARGE)
    rng = random.Random(SEED)
    with psycopg.connect(data.sync_url(url, data.LARGE.name), autocommit=True) as conn:
        if not words_data.has_words(conn):
            print("giving the outings, groups and routes their words ...", flush=True)
            print(f"  done in {words_data.add_words(conn):.0f} s", flush=True)
        conn.execute("ANALYZE events, groups, routes")  # a migration just run leaves search_vector without stats
        cities = conn.execute("SELECT lat, lon FROM bench_cities ORDER BY rank").fetchall()
        texts = queries(conn, PAIRS, rng)
    step = len(cities) / PAIRS
    pairs = [(*cities[int(i * step)], texts[i]) for i in range(PAIRS)]
    print(f"sample queries: {', '.join(texts[:12])}, ...")
    app = create_app({"SQLALCHEMY_DATABASE_URI": bench_url, "GEOCODER_URL": "", "TILES_URL": ""})
    print(f"load average before measuring: {' '.join(f'{n:.2f}' for n in os.getloadavg())} on {os.cpu_count()} CPUs")
    print(f"word search, page of 20, {PAIRS} (city centre, query) pairs x {ROUNDS} rounds:")
    measured = measure(app, pairs)
    floor = measured["floor: nearby outings, 50 km (search.events_nearby)"]
    values = {
        "words near a place p95 / nearby p95": measured["outings by words within 50 km"] / floor,
        "words anywhere p95 / nearby p95": measured["outings by words anywhere"] / floor,
    }
    print("targets:")
    met = [check(label, values[label], *TARGETS[label]) for label in TARGETS]
    for label in ("context: every kind by words within 50 km", "context: every kind by words anywhere"):
        print(f"  {label}, no target: p95 / nearby p95 = {measured[label] / floor:.2f}x")
    return 0 if all(met) else 1


if __name__ == "__main__":
    sys.exit(main())
