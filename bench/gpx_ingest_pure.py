"""GPX ingest without the database: planner's parse + stats + simplify against gpxpy and one lxml iterparse pass.

Run: .venv/bin/python bench/gpx_ingest_pure.py [n_points]   (default 100,000; lxml from var/bench/lxml, which
`make bench` installs). Import make_gpx(n_points) for a realistic GPX 1.1 track (~100 bytes per point).
"""

from __future__ import annotations

import io
import math
import random
import resource
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

GPX11 = "http://www.topografix.com/GPX/1/1"
ROOT = Path(__file__).resolve().parent.parent
LXML_DIR = ROOT / "var" / "bench" / "lxml"  # installed there by make bench, outside the project's environment


def make_gpx(n_points: int, seed: int = 1) -> bytes:
    """A GPX 1.1 hike recorded once a second: wandering heading, ~1.3 m steps, noisy elevation, UTC times."""
    rng = random.Random(seed)
    lat, lon, ele_m, heading = 46.5, 7.9, 1200.0, 0.0
    started = datetime(2024, 6, 1, 6, 0, tzinfo=UTC)
    out = io.StringIO()
    out.write(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<gpx version="1.1" creator="bench" xmlns="{GPX11}">\n'
        "<metadata><name>Bench hike</name></metadata>\n<trk><name>Bench hike</name><trkseg>\n"
    )
    for i in range(n_points):
        stamp = (started + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        out.write(
            f'<trkpt lat="{lat:.7f}" lon="{lon:.7f}"><ele>{ele_m + rng.uniform(-2, 2):.1f}</ele>'
            f"<time>{stamp}</time></trkpt>\n"
        )
        heading += rng.gauss(0.0, 0.08)
        step_m = rng.uniform(0.9, 1.7)
        lat += step_m * math.cos(heading) / 111_320.0
        lon += step_m * math.sin(heading) / (111_320.0 * math.cos(math.radians(lat)))
        ele_m += 0.1 * math.sin(i / 3000.0)
    out.write("</trkseg></trk>\n</gpx>\n")
    return out.getvalue().encode("utf-8")


def iterparse_points(data: bytes) -> int:
    """One lxml iterparse pass collecting lat, lon, ele and time of every trkpt, freeing each; the point count."""
    from lxml import etree

    trkpt, ele_tag, time_tag = f"{{{GPX11}}}trkpt", f"{{{GPX11}}}ele", f"{{{GPX11}}}time"
    points = []
    for _, element in etree.iterparse(io.BytesIO(data), tag=trkpt):
        ele = stamp = None
        for child in element:
            if child.tag == ele_tag:
                ele = child.text
            elif child.tag == time_tag:
                stamp = child.text
        points.append((float(element.get("lat")), float(element.get("lon")), float(ele) if ele else None, stamp))
        element.clear(keep_tail=True)
        while element.getprevious() is not None:
            del element.getparent()[0]
    return len(points)


def planner_ingest(data: bytes) -> int:
    """planner.geo's ingest: parse_gpx + compute_stats + simplify; returns the simplified point count."""
    from planner.geo.geometry import simplify
    from planner.geo.gpx import parse_gpx
    from planner.geo.stats import compute_stats

    track = parse_gpx(data)
    compute_stats(track)
    return len(simplify(track))


def gpxpy_parse(data: bytes) -> int:
    """Bare gpxpy.parse (standard-library XML backend when lxml is absent); returns the point count."""
    import gpxpy

    return gpxpy.parse(data.decode("utf-8")).get_points_no()


def best_of_s(function, data: bytes, repeat: int) -> float:
    """Fastest of `repeat` timed runs, in seconds."""
    times_s = []
    for _ in range(repeat):
        started = time.perf_counter()
        function(data)
        times_s.append(time.perf_counter() - started)
    return min(times_s)


def main(n_points: int = 100_000, repeat: int = 5) -> None:
    """Time the three ways of reading the same file and print the ratios the lead checks."""
    planner_ingest(make_gpx(10))  # load numpy, pyproj and shapely before the memory baseline
    gpxpy_parse(make_gpx(10))  # gpxpy picks its XML backend on import: the standard library's, as in the app
    sys.path.insert(0, str(LXML_DIR))  # then the floor's lxml
    data = make_gpx(n_points)
    print(f"{n_points:,} points, {len(data) / 1e6:.1f} MB ({len(data) / n_points:.0f} B/point)")
    baseline_mb = peak_rss_mb()
    planner_s = best_of_s(planner_ingest, data, repeat)
    print(
        f"planner parse+stats+simplify: {planner_s:.3f} s  (peak RSS {peak_rss_mb():.0f} MB; "
        f"{baseline_mb:.0f} MB before the first ingest, with numpy/pyproj/shapely loaded and the file in memory)"
    )
    iterparse_s = best_of_s(iterparse_points, data, repeat)
    gpxpy_s = best_of_s(gpxpy_parse, data, max(1, repeat // 2))
    print(f"lxml iterparse pass:          {iterparse_s:.3f} s")
    print(f"gpxpy.parse:                  {gpxpy_s:.3f} s")
    print(f"planner / gpxpy.parse    = {planner_s / gpxpy_s:.2f}x")
    print(f"planner / lxml iterparse = {planner_s / iterparse_s:.2f}x  (make bench's full ingest: target <= 2.5x)")


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))  # planner, when run as bench/gpx_ingest_pure.py
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
