"""gpxpy's own test files (downloaded by scripts/fetch_gpxpy_testfiles.sh): parse_gpx reads or refuses each cleanly."""

from __future__ import annotations

import pytest

from planner.geo.gpx import GpxError, ParsedTrack, parse_gpx
from tests.unit.conftest import FETCH_HINT, GPXPY_CORPUS

CORPUS = sorted(GPXPY_CORPUS.glob("*.gpx")) or [GPXPY_CORPUS / "(no .gpx files)"]  # never an empty, skipped set
READABLE = {  # files with at least two track/route points, and how many
    "Mojstrovka.gpx": 184, "cerknicko-jezero.gpx": 296, "korita-zbevnica.gpx": 871, "route.gpx": 55,
    "gpx1.0_with_all_fields.gpx": 6, "gpx1.1_with_all_fields.gpx": 6, "track-with-empty-segment.gpx": 9,
}  # fmt: skip


class TestParseGpx:
    def test_the_corpus_has_been_downloaded(self):
        count = len(list(GPXPY_CORPUS.glob("*.gpx")))
        assert count >= 25, f"{GPXPY_CORPUS} holds {count} .gpx files: {FETCH_HINT}."

    @pytest.mark.parametrize("path", CORPUS, ids=[path.name for path in CORPUS])
    def test_it_reads_or_refuses_each_file_with_a_gpx_error(self, path):
        assert path.is_file(), f"{path.parent} holds no .gpx files: {FETCH_HINT}."
        try:
            track = parse_gpx(path.read_bytes())
        except GpxError as error:
            assert error.code == "invalid_gpx" and str(error)
        else:
            assert isinstance(track, ParsedTrack) and track.point_count >= 2

    @pytest.mark.parametrize("name, point_count", sorted(READABLE.items()))
    def test_it_reads_the_files_that_hold_a_route(self, name, point_count):
        path = GPXPY_CORPUS / name
        assert path.is_file(), f"{path} is missing: {FETCH_HINT}."
        assert parse_gpx(path.read_bytes()).point_count == point_count
