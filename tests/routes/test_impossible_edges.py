"""Tracks PostGIS geography cannot store: antipodal neighbours are a 400 that writes nothing; the antimeridian, the
±180° meridian and the poles are stored and measured the short way."""

import io

import pytest
from pyproj import Geod
from sqlalchemy import func, select

from planner.extensions import db
from planner.models import Route
from tests import factories as f
from tests.routes.gpxdocs import NS, gpx_doc
from tests.web.helpers import submit

GEOD = Geod(ellps="WGS84")


@pytest.fixture
def auth(client):
    """Bearer headers of a fresh user."""
    client.post("/api/v1/users", json={"email": "edge@example.org", "password": f.PASSWORD, "display_name": "Edge"})
    body = {"email": "edge@example.org", "password": f.PASSWORD}
    return {"Authorization": f"Bearer {client.post('/api/v1/tokens', json=body).get_json()['token']}"}


def upload(client, auth, data: bytes):
    """POST data as a GPX file to the API."""
    files = {"file": (io.BytesIO(data), "track.gpx")}
    return client.post("/api/v1/routes", headers=auth, data=files, content_type="multipart/form-data")


def route_count(app) -> int:
    """Routes stored."""
    with app.app_context():
        return db.session.scalar(select(func.count(Route.id)))


def two_segments(first, second) -> bytes:
    """A GPX track of two segments of (lat, lon) points."""
    segs = "".join(
        "<trkseg>" + "".join(f'<trkpt lat="{lat}" lon="{lon}"/>' for lat, lon in seg) + "</trkseg>"
        for seg in (first, second)
    )
    return f'<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="{NS}"><trk>{segs}</trk></gpx>'.encode()


def track(*lat_lons) -> bytes:
    """A one-segment GPX track through (lat, lon) points, 5 m up."""
    return gpx_doc([(lat, lon, 5.0) for lat, lon in lat_lons])


def short_way_m(*lat_lons) -> float:
    """Geodesic length through the points."""
    lats, lons = zip(*lat_lons)
    return GEOD.line_length(lons, lats)


ANTIPODAL = {
    "mid_latitudes": track((45.0, 10.0), (30.0, 20.0), (-30.0, -160.0), (-30.1, -160.1)),
    "equator": track((0.0, 0.0), (0.0, 180.0)),
    "equator_minus_180": track((0.0, 1.0), (0.0, 0.0), (0.0, -180.0)),
    "poles": track((90.0, 0.0), (-90.0, 0.0)),
    "poles_any_longitude": track((-90.0, 33.0), (90.0, -120.0)),
    "within_a_millimetre": track((10.0, 20.0), (-10.000000001, -160.0)),
    "between_segments": two_segments([(1.0, 2.0), (1.1, 2.1)], [(-1.1, -177.9), (-1.2, -177.8)]),
}


class TestAntipodalNeighbours:
    @pytest.mark.parametrize("data", ANTIPODAL.values(), ids=ANTIPODAL.keys())
    def test_they_are_a_400_with_a_sentence_and_nothing_is_written(self, client, auth, app, data):
        before = route_count(app)
        response = upload(client, auth, data)
        assert response.status_code == 400, response.get_data(as_text=True)
        error = response.get_json()["error"]
        assert error["code"] == "invalid_gpx" and "antipodal" in error["message"]
        assert route_count(app) == before

    def test_the_message_names_the_points_and_a_segment_joint(self, client, auth):
        error = upload(client, auth, ANTIPODAL["between_segments"]).get_json()["error"]
        assert "points 2 and 3 (the end of one track segment" in error["message"]
        error = upload(client, auth, ANTIPODAL["mid_latitudes"]).get_json()["error"]
        assert "points 2 and 3 are antipodal" in error["message"]

    def test_the_web_upload_form_shows_the_error_and_writes_nothing(self, client, app):
        submit(client, "/register", {"email": "form@example.org", "password": f.PASSWORD, "display_name": "Fo"})
        before = route_count(app)
        response = submit(
            client,
            "/routes/new",
            {"file": (io.BytesIO(ANTIPODAL["poles"]), "a.gpx"), "activity": "hiking", "name": ""},
            page="/routes/new",
            content_type="multipart/form-data",
        )
        assert response.status_code == 400 and "antipodal" in response.get_data(as_text=True)
        assert route_count(app) == before


STORABLE = {
    "fiji_across_the_antimeridian": ((-17.0, 179.9), (-17.01, 179.95), (-17.02, -179.95), (-17.03, -179.9)),
    "along_plus_180": ((10.0, 180.0), (10.01, 180.0), (10.02, -180.0)),
    "plus_180_to_minus_180_same_point": ((0.0, 180.0), (0.0, -180.0), (0.01, -179.99)),
    "over_the_north_pole": ((89.99, 0.0), (90.0, 0.0), (89.99, 180.0)),
    "at_the_south_pole": ((-90.0, 0.0), (-90.0, 45.0), (-89.99, 90.0)),
    "nearly_antipodal_but_a_metre_off": ((10.0, 20.0), (-10.00001, -160.0)),
}


class TestStorableEdges:
    @pytest.mark.parametrize("points", STORABLE.values(), ids=STORABLE.keys())
    def test_they_are_stored_with_the_short_way_length(self, client, auth, app, points):
        response = upload(client, auth, track(*points))
        assert response.status_code == 201, response.get_json()
        route = response.get_json()
        assert route["length_m"] == pytest.approx(short_way_m(*points), abs=0.2)
        with app.app_context():
            stored_m = db.session.scalar(select(func.ST_Length(Route.line)).where(Route.id == route["id"]))
        assert stored_m == pytest.approx(route["length_m"], rel=1e-3, abs=0.5)

    def test_the_fiji_route_is_about_20_km_not_around_the_world(self, client, auth):
        route = upload(client, auth, track(*STORABLE["fiji_across_the_antimeridian"])).get_json()
        assert 20_000 < route["length_m"] < 25_000

    def test_a_display_line_that_would_join_antipodes_keeps_a_point_between(self, client, auth, app):
        points = [(0.0, 0.0), (0.0, 90.0), (0.0, 180.0)]  # collinear: simplification would drop the middle
        response = upload(client, auth, track(*points))
        assert response.status_code == 201, response.get_json()
        with app.app_context():
            stored = db.session.scalar(select(func.ST_NPoints(func.geometry(Route.display_line))))
        assert stored == 3
