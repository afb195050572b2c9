"""GPX and GeoJSON exports: schema-valid GPX 1.1 that gpsbabel reads back whole, and a GeoJSON Feature."""

import shutil
import subprocess

import pytest
import xmlschema

from planner.services import routes
from tests import factories as f
from tests.routes.gpxdocs import ROOT, SAMPLES

XSD = ROOT / "var" / "schemas" / "gpx_1_1.xsd"


@pytest.fixture
def imported(ctx):
    owner = f.user()
    return [routes.import_gpx(owner.id, path.read_bytes()) for path in SAMPLES]


@pytest.fixture(scope="module")
def schema():
    assert XSD.exists(), f"GPX 1.1 XSD missing at {XSD}: run scripts/fetch_gpxpy_testfiles.sh"
    return xmlschema.XMLSchema(str(XSD))


class TestRouteGpx:
    def test_exports_validate_against_the_gpx_1_1_schema(self, client, imported, schema):
        for route in imported:
            response = client.get(f"/api/v1/routes/{route.id}.gpx")
            assert response.status_code == 200 and response.mimetype == "application/gpx+xml"
            schema.validate(response.data.decode())

    def test_gpsbabel_reads_back_every_point(self, client, imported, tmp_path):
        gpsbabel = shutil.which("gpsbabel")
        assert gpsbabel, "gpsbabel is missing: `make test` installs it (Debian package gpsbabel)"
        for route in imported:
            path = tmp_path / f"{route.id}.gpx"
            path.write_bytes(client.get(f"/api/v1/routes/{route.id}.gpx").data)
            out = subprocess.run(
                [gpsbabel, "-t", "-i", "gpx", "-f", str(path), "-o", "unicsv", "-F", "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            assert len(out.strip().splitlines()) - 1 == route.point_count, route.name

    def test_a_name_with_markup_is_escaped(self, client, ctx, schema):
        owner = f.user()
        doc = open(SAMPLES[0], "rb").read()
        route = routes.import_gpx(owner.id, doc, name='<b>"Tom & Jerry"</b> ]]>')
        body = client.get(f"/api/v1/routes/{route.id}.gpx").data.decode()
        schema.validate(body)
        assert "&lt;b&gt;" in body and "<b>" not in body


class TestRouteGeojson:
    def test_it_is_a_feature_with_elevation(self, client, imported):
        route = imported[0]
        feature = client.get(f"/api/v1/routes/{route.id}.geojson").get_json()
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "LineString"
        coords = feature["geometry"]["coordinates"]
        assert len(coords) == route.point_count and all(len(c) == 3 for c in coords)
        assert feature["properties"]["id"] == route.id

    def test_a_route_without_elevation_has_two_coordinates(self, client, ctx):
        owner = f.user()
        from tests.routes.gpxdocs import gpx_doc

        doc = (
            gpx_doc().replace(b"<ele>10.0</ele>", b"").replace(b"<ele>20.0</ele>", b"").replace(b"<ele>15.0</ele>", b"")
        )
        route = routes.import_gpx(owner.id, doc)
        coords = client.get(f"/api/v1/routes/{route.id}.geojson").get_json()["geometry"]["coordinates"]
        assert all(len(c) == 2 for c in coords)
        assert client.get(f"/api/v1/routes/{route.id}").get_json()["ascent_m"] is None

    def test_an_unknown_route_is_a_404(self, client, ctx):
        assert client.get("/api/v1/routes/999999.geojson").status_code == 404
        assert client.get("/api/v1/routes/999999").get_json()["error"]["code"] == "not_found"
