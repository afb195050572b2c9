"""An attacker who knows 20 of someone's routes leave from one home cannot find it from what planner shows.

Through the API, as a stranger: the first visible point of each route, then a least-squares circle fit and
a centroid. Both must miss the home by more than the zone's radius. The control case shows the same two
estimates finding the home when the cut is simply a disk centred on it, so this test can fail.
"""

import io
import random

import pytest

from planner.geo import privacy
from planner.geo.gpx import ParsedTrack, Segment
from tests import factories as f
from tests.privacy_attack import centroid_miss_m, circle_fit_miss_m, routes_from

HOMES = [((47.3712, 8.5403), 200), ((30.2741, 120.1551), 500), ((-33.8688, 151.2093), 1000)]
NS = "http://www.topografix.com/GPX/1/1"


def gpx_bytes(points) -> bytes:
    pts = "".join(f'<trkpt lat="{lat:.7f}" lon="{lon:.7f}"><ele>100</ele></trkpt>' for lat, lon in points)
    return (
        f'<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="{NS}"><trk><name>Out</name>'
        f"<trkseg>{pts}</trkseg></trk></gpx>"
    ).encode()


def token(client, email: str) -> dict:
    client.post("/api/v1/users", json={"email": email, "password": f.PASSWORD, "display_name": "Walker"})
    value = client.post("/api/v1/tokens", json={"email": email, "password": f.PASSWORD}).get_json()["token"]
    return {"Authorization": f"Bearer {value}"}


def first_visible_point(feature: dict) -> tuple[float, float]:
    geometry = feature["geometry"]
    first_line = geometry["coordinates"][0] if geometry["type"] == "MultiLineString" else geometry["coordinates"]
    lon, lat = first_line[0][:2]
    return lat, lon


@pytest.mark.parametrize("home, radius_m", HOMES, ids=["zurich-200m", "hangzhou-500m", "sydney-1000m"])
def test_visible_ends_of_twenty_routes_do_not_give_the_home_away(client, home, radius_m):
    owner = token(client, "walker@example.org")
    ids = []
    for track in routes_from(*home, random.Random(radius_m)):
        response = client.post(
            "/api/v1/routes",
            headers=owner,
            content_type="multipart/form-data",
            data={"file": (io.BytesIO(gpx_bytes(track)), "out.gpx")},
        )
        assert response.status_code == 201
        ids.append(response.get_json()["id"])
    zone = {"lat": home[0], "lon": home[1], "radius_m": radius_m, "name": "Home"}
    assert client.post("/api/v1/me/privacy-zones", headers=owner, json=zone).status_code == 201

    ends = [first_visible_point(client.get(f"/api/v1/routes/{route_id}.geojson").get_json()) for route_id in ids]

    assert circle_fit_miss_m(home, ends) > radius_m
    assert centroid_miss_m(home, ends) > radius_m


@pytest.mark.parametrize("home, radius_m", HOMES, ids=["zurich-200m", "hangzhou-500m", "sydney-1000m"])
def test_control_a_cut_centred_on_the_home_gives_it_away(home, radius_m):
    cut = privacy.Cut(lat=home[0], lon=home[1], radius_m=1.2 * radius_m)
    ends = []
    for track in routes_from(*home, random.Random(radius_m)):
        lats, lons = zip(*track)
        segment = Segment(lats=lats, lons=lons, eles_m=(None,) * len(lats), times=(None,) * len(lats))
        visible = privacy.redact(ParsedTrack(name=None, description=None, segments=[segment], waypoints=[]), [cut])
        ends.append((visible.segments[0].lats[0], visible.segments[0].lons[0]))
    assert circle_fit_miss_m(home, ends) < radius_m / 10
    assert centroid_miss_m(home, ends) < radius_m / 4
