"""Place search, GET /api/v1/places: the app's own places the caller may see beside the gazetteer's cities.

The gazetteer is a table loaded by migration 0005 (so nothing is built on a process's first search).
"""

import pytest
from sqlalchemy import text

from planner.extensions import db
from planner.geo import gpx, gpx_export
from planner.services import meeting_points, privacy, routes
from tests import factories
from tests.community.conftest import LINE_START, bearer, make_cast, north_line_gpx

URL = "/api/v1/places"


@pytest.fixture
def cast(ctx):
    """A public group with people in every role."""
    return make_cast()


def names(response, kind: str | None = None) -> list[str]:
    """The names of the answer's features (of one kind)."""
    assert response.status_code == 200, response.get_json()
    features = response.get_json()["features"]
    return [f["properties"]["name"] for f in features if kind is None or f["properties"]["kind"] == kind]


def own(response) -> list[str]:
    """The names of the answer's own places (source planner)."""
    assert response.status_code == 200, response.get_json()
    return [f["properties"]["name"] for f in response.get_json()["features"] if f["properties"]["source"] == "planner"]


def waypoint_gpx(waypoint_name: str, lat: float = 30.25) -> bytes:
    """The north line with one named waypoint on it."""
    lats = tuple(LINE_START[0] + i * 0.001 for i in range(101))
    segment = gpx.Segment(lats=lats, lons=(LINE_START[1],) * 101, eles_m=(100.0,) * 101, times=(None,) * 101)
    mark = gpx.Waypoint(lat=lat, lon=LINE_START[1], ele_m=None, name=waypoint_name, description=None)
    return gpx_export.build_gpx("Waypoint line", [segment], [mark])


class TestGazetteer:
    def test_the_migration_loaded_cities_and_their_alternate_names(self, ctx):
        assert db.session.scalar(text("SELECT count(*) FROM places_gazetteer")) > 20_000
        assert db.session.scalar(text("SELECT count(*) FROM places_gazetteer_names")) > 200_000

    def test_a_prefix_finds_cities_most_populous_first_with_their_country(self, client):
        response = client.get(URL, query_string={"q": "Zuri"})
        (first, *_) = response.get_json()["features"]
        assert first["properties"] == {"name": "Zürich", "kind": "city", "country": "CH", "source": "gazetteer"}
        assert first["geometry"]["coordinates"] == pytest.approx([8.55, 47.37], abs=0.05)

    def test_accents_case_and_chinese_names_match(self, client):
        assert names(client.get(URL, query_string={"q": "ZÜRICH"}), "city")[0] == "Zürich"
        assert names(client.get(URL, query_string={"q": "杭州"}), "city")[0] == "Hangzhou"

    def test_a_typo_finds_the_most_similar_names_when_no_name_starts_with_it(self, client):
        assert names(client.get(URL, query_string={"q": "Zurch"}), "city")[0] == "Zürich"
        assert names(client.get(URL, query_string={"q": "Frankfrt"}), "city")[0] == "Frankfurt am Main"
        assert names(client.get(URL, query_string={"q": "qqqqqqq"})) == []

    def test_the_geocoder_fallback_still_answers_exact_names(self, ctx):
        from planner.services.geocode import geocode

        (first, *_) = geocode("Zurich, CH")
        assert (first.name, first.country, first.source) == ("Zürich", "CH", "gazetteer")


class TestBadQueries:
    @pytest.mark.parametrize(
        ("params", "field"),
        [({}, "q"), ({"q": ""}, "q"), ({"q": "   "}, "q"), ({"q": "x" * 201}, "q"), ({"q": "Bern", "lat": "1"}, "lon")],
    )
    def test_400_with_the_usual_error_shape(self, client, params, field):
        response = client.get(URL, query_string=params)
        assert response.status_code == 400
        error = response.get_json()["error"]
        assert error["field"] == field and error["code"] and error["message"]

    def test_200_characters_is_fine(self, client):
        assert client.get(URL, query_string={"q": "x" * 200}).status_code == 200


class TestOwnPlaces:
    def test_public_groups_meeting_points_routes_and_waypoints_are_found_first(self, client, cast):
        cast.group.name = "Zurichberg walkers"
        db.session.commit()
        event = factories.event(cast.group)
        meeting_points.add(event.id, cast.owner, {"name": "Zurich bakery corner", "lat": 30.2, "lon": 120.1})
        routes.import_gpx(cast.owner.id, north_line_gpx(), name="Zurich loop", activity="hiking")
        routes.import_gpx(cast.owner.id, waypoint_gpx("Zurich spring"), activity="hiking")
        response = client.get(URL, query_string={"q": "zurich"})
        features = response.get_json()["features"]
        kinds = {f["properties"]["name"]: f["properties"]["kind"] for f in features}
        assert kinds["Zurichberg walkers"] == "group"
        assert kinds["Zurich bakery corner"] == "meeting_point"
        assert kinds["Zurich loop"] == "route"
        assert kinds["Zurich spring"] == "waypoint"
        assert features[0]["properties"]["source"] == "planner" and features[-1]["properties"]["kind"] == "city"
        spring = next(f for f in features if f["properties"]["name"] == "Zurich spring")
        assert spring["geometry"]["coordinates"] == pytest.approx([LINE_START[1], 30.25])

    def test_a_private_groups_places_are_for_its_members_only(self, client, ctx):
        private = make_cast(visibility="private", name="Secret Quokka club")
        event = factories.event(private.group)
        meeting_points.add(event.id, private.owner, {"name": "Quokka hideout", "lat": 30.2, "lon": 120.1})
        routes.import_gpx(private.owner.id, waypoint_gpx("Quokka well"), name="Quokka trail", group_id=private.group.id)
        assert own(client.get(URL, query_string={"q": "quokka"})) == []
        outsider = client.get(URL, query_string={"q": "quokka"}, headers=bearer(private.outsider))
        assert own(outsider) == []
        member = client.get(URL, query_string={"q": "quokka"}, headers=bearer(private.member))
        assert sorted(own(member)) == ["Quokka hideout", "Quokka trail", "Quokka well", "Secret Quokka club"]

    def test_waypoints_inside_the_owners_privacy_zone_are_found_by_the_owner_only(self, client, cast):
        routes.import_gpx(cast.owner.id, waypoint_gpx("Wombat gate", lat=30.21), activity="hiking")
        privacy.add_zone(cast.owner, {"lat": 30.21, "lon": LINE_START[1], "radius_m": 300})
        assert own(client.get(URL, query_string={"q": "wombat"})) == []
        assert own(client.get(URL, query_string={"q": "wombat"}, headers=bearer(cast.owner))) == ["Wombat gate"]

    def test_like_wildcards_in_q_are_plain_characters(self, client, cast):
        event = factories.event(cast.group)
        meeting_points.add(event.id, cast.owner, {"name": "Bilby bridge", "lat": 30.2, "lon": 120.1})
        assert names(client.get(URL, query_string={"q": "%"})) == []
        assert names(client.get(URL, query_string={"q": "b_lby"}), "meeting_point") == []
        assert names(client.get(URL, query_string={"q": "bilby"}), "meeting_point") == ["Bilby bridge"]

    def test_nearest_first_when_a_point_is_given(self, client, cast):
        event = factories.event(cast.group)
        for name, lat in (("Numbat stop far", 30.3), ("Numbat stop near", 30.201)):
            meeting_points.add(event.id, cast.owner, {"name": name, "lat": lat, "lon": 120.1})
        near = client.get(URL, query_string={"q": "numbat", "lat": 30.2, "lon": 120.1})
        assert names(near, "meeting_point") == ["Numbat stop near", "Numbat stop far"]
        far = client.get(URL, query_string={"q": "numbat", "lat": 30.31, "lon": 120.1})
        assert names(far, "meeting_point") == ["Numbat stop far", "Numbat stop near"]


class TestTimezone:
    def test_the_zone_at_a_point(self, client):
        assert client.get("/api/v1/timezone?lat=47.37&lon=8.55").get_json() == {"timezone": "Europe/Zurich"}

    def test_a_point_out_of_range_is_400(self, client):
        response = client.get("/api/v1/timezone?lat=91&lon=8.55")
        assert response.status_code == 400 and response.get_json()["error"]["field"] == "lat"
