"""Install the vendored front-end assets (Leaflet, Leaflet.markercluster, jQuery).

The files come from the XStatic packages installed from PyPI, are copied into
``static/vendor/<name>/`` at set-up time, and are never committed nor loaded
from a CDN. Run ``python -m planner.assets [STATIC_DIR]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import xstatic.pkg.jquery
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster

DEFAULT_STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


@dataclass(frozen=True)
class _Package:
    """One XStatic package and the files we take from it."""

    folder: str
    base_dir: Path
    files: tuple[str, ...]
    dirs: tuple[str, ...] = ()


_PACKAGES = (
    _Package(
        "leaflet",
        Path(xstatic.pkg.leaflet.BASE_DIR),
        ("leaflet.js", "leaflet.js.map", "leaflet.css"),
        ("images",),
    ),
    _Package(
        "leaflet-markercluster",
        Path(xstatic.pkg.leaflet_markercluster.BASE_DIR),
        ("leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css"),
    ),
    _Package("jquery", Path(xstatic.pkg.jquery.BASE_DIR), ("jquery.min.js",)),
)

ASSET_FILES: dict[str, str] = {
    "leaflet.js": "vendor/leaflet/leaflet.js",
    "leaflet.css": "vendor/leaflet/leaflet.css",
    "markercluster.js": "vendor/leaflet-markercluster/leaflet.markercluster.js",
    "markercluster.css": "vendor/leaflet-markercluster/MarkerCluster.css",
    "markercluster.default.css": "vendor/leaflet-markercluster/MarkerCluster.Default.css",
    "jquery.js": "vendor/jquery/jquery.min.js",
}


def _copy(source: Path, target: Path) -> None:
    """Copy one file so a concurrent reader never sees it half written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    shutil.copyfile(source, partial)
    os.replace(partial, target)


def _package_files(package: _Package) -> list[tuple[Path, str]]:
    """(source file, name relative to the package folder) for everything a package ships."""
    pairs = [(package.base_dir / name, name) for name in package.files]
    for folder in package.dirs:
        for source in sorted((package.base_dir / folder).rglob("*")):
            if source.is_file():
                pairs.append((source, source.relative_to(package.base_dir).as_posix()))
    return pairs


def install_assets(static_dir: Path | str = DEFAULT_STATIC_DIR) -> list[Path]:
    """Copy the vendored assets into ``static_dir/vendor/``; safe to run again."""
    installed = []
    for package in _PACKAGES:
        target_dir = Path(static_dir) / "vendor" / package.folder
        for source, name in _package_files(package):
            target = target_dir / name
            _copy(source, target)
            installed.append(target)
    return installed


def missing_assets(static_dir: Path | str = DEFAULT_STATIC_DIR) -> list[str]:
    """Logical asset names whose file is absent or empty under ``static_dir``."""
    missing = []
    for name, relative in ASSET_FILES.items():
        path = Path(static_dir) / relative
        if not path.is_file() or path.stat().st_size == 0:
            missing.append(name)
    return missing


def asset_urls(static_url: Callable[[str], str]) -> dict[str, str]:
    """Map each logical asset name to its URL, e.g. ``asset_urls(lambda p: url_for("static", filename=p))``."""
    return {name: static_url(relative) for name, relative in ASSET_FILES.items()}


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: install the assets and report what was copied."""
    parser = argparse.ArgumentParser(prog="python -m planner.assets", description=__doc__)
    parser.add_argument("static_dir", nargs="?", default=str(DEFAULT_STATIC_DIR))
    args = parser.parse_args(argv)
    installed = install_assets(args.static_dir)
    print(f"installed {len(installed)} files under {Path(args.static_dir) / 'vendor'}")
    missing = missing_assets(args.static_dir)
    if missing:
        print(f"missing after install: {', '.join(missing)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
