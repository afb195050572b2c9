"""Privacy zones: others see a zone owner's routes without the parts around the zone on every channel; the owner sees all."""

import io
import json
import re
from datetime import UTC, datetime, timedelta

import gpxpy
import pytest
from sqlalchemy import func, select

from planner.extensions import db
from planner.geo.geometry import GEOD
from planner.models import PrivacyZone, Route
from tests import factories as f
from tests.web.helpers import submit

HOME = (47.37, 8.54)
RADIUS_M = 500
# Every visible point is outside the cut, which reaches at least 1.2 zone radii past the home.
HIDDEN_M = 1.2 * RADIUS_M - 1
NS = "http://www.topografix.com/GPX/1/1"
PAIR = re.compile(r"\[(-?\d{1,2}\.\d+), (-?\d{1,3}\.\d+)\]")


def distance_m(a, b) -> float:
    return float(GEOD.inv(a[1], a[0], b[1], b[0])[2])


def route_gpx(points, waypoints=()) -> bytes:
    """A GPX 1.1 track of (lat, lon) points with elevations and the given (lat, lon, name) waypoints."""
    wpts = "".join(f'<wpt lat="{lat}" lon="{lon}"><name>{name}</name></wpt>' for lat, lon, name in waypoints)
    pts = "".join(
        f'<trkpt lat="{lat:.6f}" lon="{lon:.6f}"><ele>{400 + i % 40}</ele></trkpt>'
        for i, (lat, lon) in enumerate(points)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><gpx version="1.1" creator="t" xmlns="{NS}">{wpts}'
        f"<trk><name>From home</name><trkseg>{pts}</trkseg></trk></gpx>"
    ).encode()


FROM_HOME = [(HOME[0], HOME[1] + i * 0.0004) for i in range(270)]  # 8 km east, a point every 30 m
WAYPOINTS = [(*HOME, "Home"), (HOME[0], HOME[1] + 0.1, "Viewpoint")]


class Person:
    def __init__(self, client, name: str):
        self.client, self.email = client, f"{name}@example.org"
        client.post("/api/v1/users", json={"email": self.email, "password": f.PASSWORD, "display_name": name})
        token = client.post("/api/v1/tokens", json={"email": self.email, "password": f.PASSWORD}).get_json()["token"]
        self.auth = {"Authorization": f"Bearer {token}"}

    def upload(self, data: bytes, **fields) -> dict:
        response = self.client.post(
            "/api/v1/routes",
            headers=self.auth,
            content_type="multipart/form-data",
            data={"file": (io.BytesIO(data), "track.gpx"), **fields},
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def add_zone(self, **body):
        return self.client.post(
            "/api/v1/me/privacy-zones",
            headers=self.auth,
            json={"lat": HOME[0], "lon": HOME[1], "radius_m": RADIUS_M, **body},
        )

    def get(self, path: str):
        return self.client.get(path, headers=self.auth)


@pytest.fixture
def owner(client):
    return Person(client, "owner")


@pytest.fixture
def other(client):
    return Person(client, "other")


@pytest.fixture
def zoned_route(owner):
    """A route leaving the owner's home, then a zone around the home."""
    route = owner.upload(route_gpx(FROM_HOME, WAYPOINTS))
    assert owner.add_zone(name="Home").status_code == 201
    return route


def post_outing(owner, route_id: int):
    """(group id, the POST response): the owner's new group near HOME and an outing on route_id in it."""
    group_id = owner.client.post(
        "/api/v1/groups",
        headers=owner.auth,
        json={"name": "Walkers", "interest": "hiking", "lat": HOME[0], "lon": HOME[1] + 0.05},
    ).get_json()["id"]
    starts = datetime.now(UTC) + timedelta(days=3)
    response = owner.client.post(
        f"/api/v1/groups/{group_id}/events",
        headers=owner.auth,
        json={
            "title": "Evening walk",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=3)).isoformat(),
            "capacity": 10,
            "activity": "hiking",
            "route_id": route_id,
        },
    )
    return group_id, response


def assert_far(points, what: str):
    points = list(points)
    assert points, f"{what}: nothing to check"
    near = [p for p in points if distance_m(HOME, p) < HIDDEN_M]
    assert near == [], f"{what}: {len(near)} points near the home, e.g. {near[:3]}"


def page_pairs(html: str) -> list[tuple[float, float]]:
    """Every [lat, lon] pair in a page's map script."""
    return [(float(a), float(b)) for a, b in PAIR.findall(html)]


def gpx_points(data: bytes) -> list[tuple[float, float]]:
    doc = gpxpy.parse(data.decode())
    points = [(p.latitude, p.longitude) for t in doc.tracks for s in t.segments for p in s.points]
    return points + [(w.latitude, w.longitude) for w in doc.waypoints]


def geojson_points(feature: dict) -> list[tuple[float, float]]:
    geometry = feature["geometry"]
    lines = geometry["coordinates"] if geometry["type"] == "MultiLineString" else [geometry["coordinates"]]
    return [(c[1], c[0]) for line in lines for c in line]


class TestZonesApi:
    def test_a_zone_is_listed_for_its_owner_without_the_cut(self, owner):
        created = owner.add_zone(name="Home").get_json()
        assert set(created) == {"id", "name", "lat", "lon", "radius_m", "outings_starting_inside"}
        assert created["outings_starting_inside"] == []
        del created["outings_starting_inside"]
        assert owner.get("/api/v1/me/privacy-zones").get_json() == [created]

    def test_outings_already_starting_at_home_are_pointed_out(self, owner, client):
        route = owner.upload(route_gpx(FROM_HOME))
        group_id = owner.client.post(
            "/api/v1/groups",
            headers=owner.auth,
            json={"name": "Walkers", "interest": "hiking", "lat": HOME[0], "lon": HOME[1]},
        ).get_json()["id"]
        starts = datetime.now(UTC) + timedelta(days=3)
        outing = owner.client.post(
            f"/api/v1/groups/{group_id}/events",
            headers=owner.auth,
            json={
                "title": "From my door",
                "starts_at": starts.isoformat(),
                "capacity": 10,
                "activity": "hiking",
                "ends_at": (starts + timedelta(hours=3)).isoformat(),
                "route_id": route["id"],
            },
        ).get_json()
        assert distance_m(HOME, (outing["lat"], outing["lon"])) < 1  # taken from the route before any zone
        assert owner.add_zone().get_json()["outings_starting_inside"] == [outing["id"]]

    @pytest.mark.parametrize(
        "body, field",
        [
            ({"radius_m": 199}, "radius_m"),
            ({"radius_m": 1001}, "radius_m"),
            ({"radius_m": "wide"}, "radius_m"),
            ({"lat": 91}, "lat"),
            ({"lon": "east"}, "lon"),
            ({"lat": None}, "lat"),
            ({"name": "x" * 81}, "name"),
            ({"name": 5}, "name"),
        ],
    )
    def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(self, owner, ctx, body, field):
        response = owner.add_zone(**body)
        assert response.status_code == 400
        assert response.get_json()["error"]["field"] == field
        assert db.session.scalar(select(func.count(PrivacyZone.id))) == 0

    def test_the_eleventh_zone_is_a_409(self, owner, ctx):
        for _ in range(10):
            assert owner.add_zone().status_code == 201
        response = owner.add_zone()
        assert response.status_code == 409 and response.get_json()["error"]["code"] == "too_many_zones"
        assert db.session.scalar(select(func.count(PrivacyZone.id))) == 10

    def test_zones_need_a_token(self, client):
        assert client.get("/api/v1/me/privacy-zones").status_code == 401
        assert client.post("/api/v1/me/privacy-zones", json={"lat": 1, "lon": 1, "radius_m": 300}).status_code == 401

    def test_nobody_else_can_delete_a_zone(self, owner, other, ctx):
        zone_id = owner.add_zone().get_json()["id"]
        assert other.client.delete(f"/api/v1/me/privacy-zones/{zone_id}", headers=other.auth).status_code == 404
        assert db.session.get(PrivacyZone, zone_id) is not None
        assert owner.client.delete(f"/api/v1/me/privacy-zones/{zone_id}", headers=owner.auth).status_code == 204
        assert owner.get("/api/v1/me/privacy-zones").get_json() == []


class TestOthersSeeTheCutRoute:
    def test_api_stats_describe_only_what_is_visible(self, zoned_route, owner, other, client):
        full = owner.get(f"/api/v1/routes/{zoned_route['id']}").get_json()
        for seen in (
            client.get(f"/api/v1/routes/{zoned_route['id']}").get_json(),
            other.get(f"/api/v1/routes/{zoned_route['id']}").get_json(),
        ):
            assert_far([(seen["start"]["lat"], seen["start"]["lon"])], "start")
            assert seen["length_m"] < full["length_m"] - HIDDEN_M
            assert seen["point_count"] < full["point_count"]
            minlon, minlat, maxlon, maxlat = seen["bbox"]
            assert minlon > HOME[1]

    @pytest.mark.parametrize("path", ["/api/v1/routes/{id}.geojson", "/routes/{id}/download.geojson"])
    def test_geojson_is_cut(self, zoned_route, client, path):
        feature = json.loads(client.get(path.format(id=zoned_route["id"])).data)
        assert_far(geojson_points(feature), "GeoJSON")
        assert_far([(feature["properties"]["start"]["lat"], feature["properties"]["start"]["lon"])], "start")

    @pytest.mark.parametrize("path", ["/api/v1/routes/{id}.gpx", "/routes/{id}/download.gpx"])
    def test_gpx_downloads_are_cut_and_lose_the_waypoints_inside(self, zoned_route, client, path):
        data = client.get(path.format(id=zoned_route["id"])).data
        assert_far(gpx_points(data), "GPX")
        assert [w.name for w in gpxpy.parse(data.decode()).waypoints] == ["Viewpoint"]

    def test_the_route_page_map_is_cut(self, zoned_route, client):
        html = client.get(f"/routes/{zoned_route['id']}").get_data(as_text=True)
        assert_far(page_pairs(html), "route page")
        assert "hidden" in html and "Home" not in html

    def test_the_original_file_stays_with_the_owner(self, zoned_route, client):
        assert client.get(f"/routes/{zoned_route['id']}/original.gpx").status_code == 404

    def test_hidden_parts_never_match_a_nearby_search(self, zoned_route, owner, client):
        near_home = f"/api/v1/routes/nearby?lat={HOME[0]}&lon={HOME[1]}&within_km=0.55"
        for answer in (client.get(near_home), owner.get(near_home)):
            assert [f["properties"]["id"] for f in answer.get_json()["features"]] == []
        wider = client.get(f"/api/v1/routes/nearby?lat={HOME[0]}&lon={HOME[1]}&within_km=10").get_json()
        (feature,) = wider["features"]
        lon, lat = feature["geometry"]["coordinates"]
        assert_far([(lat, lon)], "search start")
        assert feature["properties"]["distance_m"] >= HIDDEN_M
        assert feature["properties"]["along_m"] == pytest.approx(0, abs=1)

    def test_an_outing_on_the_route_starts_where_others_can_see_and_shows_the_cut_route(
        self, zoned_route, owner, client, ctx
    ):
        group_id, response = post_outing(owner, zoned_route["id"])
        assert response.status_code == 201, response.get_json()
        event = client.get(f"/api/v1/events/{response.get_json()['id']}").get_json()
        assert_far(
            [(event["lat"], event["lon"]), (event["route"]["start"]["lat"], event["route"]["start"]["lon"])], "event"
        )
        assert_far(page_pairs(client.get(f"/events/{event['id']}").get_data(as_text=True)), "event page")
        assert_far(gpx_points(client.get(f"/api/v1/events/{event['id']}.gpx").data), "event GPX")

        # A meeting point 5 km out: strangers measure it from the visible start, so no hidden length shows.
        added = owner.client.post(
            f"/api/v1/events/{event['id']}/meeting-points",
            headers=owner.auth,
            json={"name": "Bridge", "lat": HOME[0], "lon": HOME[1] + 0.066},
        )
        assert added.status_code == 201 and added.get_json()["along_m"] == pytest.approx(4970, abs=30)
        (mine,) = owner.get(f"/api/v1/events/{event['id']}/meeting-points").get_json()
        (theirs,) = client.get(f"/api/v1/events/{event['id']}/meeting-points").get_json()
        full = owner.get(f"/api/v1/routes/{zoned_route['id']}").get_json()["length_m"]
        seen = client.get(f"/api/v1/routes/{zoned_route['id']}").get_json()["length_m"]
        assert theirs["along_m"] == pytest.approx(mine["along_m"] - (full - seen), abs=2)
        assert theirs["estimated_arrival_at"] < mine["estimated_arrival_at"]
        assert (
            client.get(f"/api/v1/events/{event['id']}").get_json()["meeting_points"][0]["along_m"] == theirs["along_m"]
        )

        # Filtering outings by route length uses the visible length too.
        def found(min_km: float) -> list[int]:
            answer = client.get(
                f"/api/v1/events/nearby?lat={HOME[0]}&lon={HOME[1]}&radius_km=20&min_length_km={min_km:.3f}"
            ).get_json()
            return [feature["properties"]["id"] for feature in answer["features"]]

        assert found(seen / 1000 - 0.05) == [event["id"]]
        assert found(full / 1000 - 0.05) == []


class TestTheOwnerSeesEverything:
    def test_api_geojson_gpx_and_page(self, zoned_route, owner):
        route_id = zoned_route["id"]
        seen = owner.get(f"/api/v1/routes/{route_id}").get_json()
        assert distance_m(HOME, (seen["start"]["lat"], seen["start"]["lon"])) < 1
        feature = owner.get(f"/api/v1/routes/{route_id}.geojson").get_json()
        assert feature["geometry"]["type"] == "LineString" and len(feature["geometry"]["coordinates"]) == 270
        assert any(distance_m(HOME, p) < 1 for p in gpx_points(owner.get(f"/api/v1/routes/{route_id}.gpx").data))
        submit(owner.client, "/login", {"email": owner.email, "password": f.PASSWORD})
        html = owner.client.get(f"/routes/{route_id}").get_data(as_text=True)
        assert f"/routes/{route_id}/download.geojson" in html
        page_feature = json.loads(owner.client.get(f"/routes/{route_id}/download.geojson").data)
        assert page_feature["geometry"]["type"] == "LineString"  # the owner's browser gets the whole route
        assert any(distance_m(HOME, p) < 50 for p in page_pairs(html)), "the check above would catch a leak"
        assert "privacy zones" in html

    def test_the_outing_pages_gpx_is_whole_for_the_owner_and_cut_for_a_member(self, zoned_route, owner, app):
        group_id, response = post_outing(owner, zoned_route["id"])
        event_id = response.get_json()["id"]
        member = Person(app.test_client(), "member")  # its own client: its own session cookie
        assert member.client.post(f"/api/v1/groups/{group_id}/join", headers=member.auth).status_code < 300
        for person in (owner, member):
            submit(person.client, "/login", {"email": person.email, "password": f.PASSWORD})
            assert f'href="/events/{event_id}.gpx"' in person.client.get(f"/events/{event_id}").get_data(as_text=True)
        mine = gpx_points(owner.client.get(f"/events/{event_id}.gpx").data)
        assert any(distance_m(HOME, p) < 1 for p in mine), "the owner's browser gets his whole route"
        assert_far(gpx_points(member.client.get(f"/events/{event_id}.gpx").data), "a member's outing GPX")

    def test_removing_the_zone_shows_the_whole_route_again(self, zoned_route, owner, client, ctx):
        zone_id = owner.get("/api/v1/me/privacy-zones").get_json()[0]["id"]
        owner.client.delete(f"/api/v1/me/privacy-zones/{zone_id}", headers=owner.auth)
        seen = client.get(f"/api/v1/routes/{zoned_route['id']}").get_json()
        assert distance_m(HOME, (seen["start"]["lat"], seen["start"]["lon"])) < 1
        assert db.session.get(Route, zoned_route["id"]).public_stats is None


class TestRoutesAndZonesInEitherOrder:
    def test_a_route_uploaded_after_the_zone_is_cut_at_once(self, owner, client):
        owner.add_zone()
        route = owner.upload(route_gpx(FROM_HOME))
        assert distance_m(HOME, (route["start"]["lat"], route["start"]["lon"])) < 1  # the owner's answer
        seen = client.get(f"/api/v1/routes/{route['id']}").get_json()
        assert_far([(seen["start"]["lat"], seen["start"]["lon"])], "start")

    def test_a_route_wholly_inside_a_zone_is_the_owners_alone(self, owner, other, client):
        around_home = [(HOME[0], HOME[1] + i * 0.0001) for i in range(5)]
        route = owner.upload(route_gpx(around_home))
        owner.add_zone()
        for path in ("/api/v1/routes/{id}", "/api/v1/routes/{id}.geojson", "/api/v1/routes/{id}.gpx"):
            assert client.get(path.format(id=route["id"])).status_code == 404
            assert other.get(path.format(id=route["id"])).status_code == 404
            assert owner.get(path.format(id=route["id"])).status_code == 200
        assert client.get(f"/routes/{route['id']}").status_code == 404
        near = client.get(f"/api/v1/routes/nearby?lat={HOME[0]}&lon={HOME[1]}&within_km=50").get_json()
        assert near["features"] == []

    def test_zones_of_one_user_leave_other_users_routes_alone(self, owner, other, client):
        theirs = other.upload(route_gpx(FROM_HOME))
        owner.add_zone()
        seen = client.get(f"/api/v1/routes/{theirs['id']}").get_json()
        assert distance_m(HOME, (seen["start"]["lat"], seen["start"]["lon"])) < 1
        near = client.get(f"/api/v1/routes/nearby?lat={HOME[0]}&lon={HOME[1]}&within_km=0.1").get_json()
        assert [feature["properties"]["id"] for feature in near["features"]] == [theirs["id"]]

    def test_a_zone_far_from_a_route_leaves_it_whole_and_searchable(self, owner, client, ctx):
        route = owner.upload(route_gpx(FROM_HOME))
        owner.add_zone(lat=HOME[0] + 1.0)
        assert db.session.scalar(select(func.count()).where(Route.public_stats.is_(None))) == 1
        near = client.get(f"/api/v1/routes/nearby?lat={HOME[0]}&lon={HOME[1]}&within_km=0.1").get_json()
        assert [feature["properties"]["id"] for feature in near["features"]] == [route["id"]]


class TestPrivacyPage:
    def test_add_a_zone_see_it_and_remove_it(self, owner, ctx):
        submit(owner.client, "/login", {"email": owner.email, "password": f.PASSWORD})
        page = owner.client.get("/me/privacy").get_data(as_text=True)
        assert "js/place_picker.js" in page and "data-map-target" in page
        response = submit(
            owner.client,
            "/me/privacy",
            {"name": "Home", "lat": "47.37", "lon": "8.54", "radius_m": "400"},
            page="/me/privacy",
        )
        assert response.status_code == 302
        assert "upcoming outing" not in owner.client.get("/me/privacy").get_data(as_text=True)  # none to move
        page = owner.client.get("/me/privacy").get_data(as_text=True)
        assert "400 m around" in page and "L.circle(" in page
        zone_id = db.session.scalar(select(PrivacyZone.id))
        assert submit(owner.client, f"/me/privacy/{zone_id}/delete", {}, page="/me/privacy").status_code == 302
        assert db.session.scalar(select(func.count(PrivacyZone.id))) == 0

    def test_the_page_warns_about_outings_that_start_inside(self, owner, ctx):
        route = owner.upload(route_gpx(FROM_HOME))
        group_id = owner.client.post(
            "/api/v1/groups",
            headers=owner.auth,
            json={"name": "Walkers", "interest": "hiking", "lat": HOME[0], "lon": HOME[1]},
        ).get_json()["id"]
        starts = datetime.now(UTC) + timedelta(days=3)
        owner.client.post(
            f"/api/v1/groups/{group_id}/events",
            headers=owner.auth,
            json={
                "title": "From my door",
                "starts_at": starts.isoformat(),
                "capacity": 10,
                "activity": "hiking",
                "ends_at": (starts + timedelta(hours=3)).isoformat(),
                "route_id": route["id"],
            },
        )
        submit(owner.client, "/login", {"email": owner.email, "password": f.PASSWORD})
        submit(owner.client, "/me/privacy", {"lat": "47.37", "lon": "8.54", "radius_m": "300"}, page="/me/privacy")
        assert "1 upcoming outing(s) on your routes start near this zone" in owner.client.get("/me/privacy").get_data(
            as_text=True
        )

    @pytest.mark.parametrize("data", [{"radius_m": "150"}, {"radius_m": "5000"}, {"lat": "95"}, {"lon": ""}])
    def test_bad_input_is_a_form_error_and_writes_nothing(self, owner, ctx, data):
        submit(owner.client, "/login", {"email": owner.email, "password": f.PASSWORD})
        response = submit(
            owner.client, "/me/privacy", {"lat": "47.37", "lon": "8.54", "radius_m": "400", **data}, page="/me/privacy"
        )
        assert response.status_code == 400 and 'class="error"' in response.get_data(as_text=True)
        assert db.session.scalar(select(func.count(PrivacyZone.id))) == 0

    def test_it_needs_a_login(self, client):
        assert client.get("/me/privacy").status_code == 302
        assert client.post("/me/privacy/1/delete").status_code in (400, 401)
