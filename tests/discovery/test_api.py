"""The discovery endpoints: GeoJSON shape, 400s naming the field, viewport size at 100,000 events."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from planner.extensions import db
from tests import factories as f
from tests.discovery.helpers import events_at, route

NEARBY = "/api/v1/events/nearby?lat=30&lon=120&radius_km=10"


class TestEventsNearbyEndpoint:
    def test_it_answers_a_feature_collection_nearest_first(self, client):
        grp = f.group(f.user())
        far, near = events_at(grp.id, [(30.05, 120.0), (30.01, 120.0)])
        body = client.get(NEARBY).get_json()
        assert body["type"] == "FeatureCollection"
        assert [feat["properties"]["id"] for feat in body["features"]] == [near, far]
        first = body["features"][0]
        assert first["geometry"] == {"type": "Point", "coordinates": [120.0, 30.01]}
        assert set(first["properties"]) >= {
            "id",
            "title",
            "starts_at",
            "group_id",
            "activity",
            "distance_m",
            "spots_left",
        }
        assert first["properties"]["starts_at"].endswith("Z")
        assert first["properties"]["distance_m"] == pytest.approx(1109, abs=2)

    @pytest.mark.parametrize(
        "query, field",
        [
            ("lon=120", "lat"),
            ("lat=30", "lon"),
            ("lat=abc&lon=120", "lat"),
            ("lat=30&lon=nan", "lon"),
            ("lat=90.5&lon=120", "lat"),
            ("lat=30&lon=-180.1", "lon"),
            ("lat=30&lon=120&radius_km=0", "radius_km"),
            ("lat=30&lon=120&radius_km=-3", "radius_km"),
            ("lat=30&lon=120&radius_km=500.5", "radius_km"),
            ("lat=30&lon=120&limit=101", "limit"),
            ("lat=30&lon=120&limit=x", "limit"),
            ("lat=30&lon=120&from=2026-12-05&to=2026-12-01", "from"),
            ("lat=30&lon=120&from=tomorrow", "from"),
            ("lat=30&lon=120&activity=sailing", "activity"),
            ("lat=30&lon=120&has_spots=maybe", "has_spots"),
        ],
    )
    def test_bad_input_gets_400_naming_the_field(self, client, query, field):
        response = client.get(f"/api/v1/events/nearby?{query}")
        assert response.status_code == 400
        assert response.get_json()["error"]["field"] == field

    def test_a_date_range_with_offsets_is_accepted(self, client):
        response = client.get(NEARBY + "&from=2026-12-05T08:30:00%2B08:00&to=2027-01-01T00:00:00Z")
        assert response.status_code == 200


class TestGroupsNearbyEndpoint:
    def test_it_lists_groups_with_member_count(self, client):
        grp = f.group(f.user(), lat=30.0, lon=120.0, name="Hangzhou Hikers")
        props = client.get("/api/v1/groups/nearby?lat=30&lon=120&radius_km=5").get_json()["features"][0]["properties"]
        assert props == {
            "id": grp.id,
            "name": "Hangzhou Hikers",
            "interest": "hiking",
            "member_count": 1,
            "distance_m": 0.0,
        }

    @pytest.mark.parametrize(
        "query, field", [("lat=30&lon=120&interest=chess", "interest"), ("lat=30&lon=120&radius_km=501", "radius_km")]
    )
    def test_bad_input_gets_400_naming_the_field(self, client, query, field):
        response = client.get(f"/api/v1/groups/nearby?{query}")
        assert response.status_code == 400 and response.get_json()["error"]["field"] == field


class TestRoutesNearbyEndpoint:
    def test_a_route_passing_1_km_away_matches_within_2_km_though_it_starts_far(self, client):
        route_id = route(f.user().id, [(30.0, 119.7), (30.0, 120.0), (30.0, 120.3)])
        props = client.get("/api/v1/routes/nearby?lat=30.009&lon=120&within_km=2").get_json()["features"][0][
            "properties"
        ]
        assert props["id"] == route_id
        assert props["distance_m"] == pytest.approx(998, abs=5)
        assert props["along_m"] == pytest.approx(28_946, rel=1e-3)
        assert set(props) >= {"name", "activity", "length_m"}

    def test_within_km_is_checked(self, client):
        response = client.get("/api/v1/routes/nearby?lat=30&lon=120&within_km=0")
        assert response.status_code == 400 and response.get_json()["error"]["field"] == "within_km"


def _insert_events_in_box(group_id: int, count: int) -> None:
    """count events spread over lon 5..15, lat 45..55 in one INSERT ... SELECT generate_series."""
    db.session.execute(
        text("""
        INSERT INTO events (group_id, title, starts_at, ends_at, timezone, capacity, activity, start)
        SELECT :group_id, 'Bulk outing ' || n, now() + interval '3 days', now() + interval '4 days', 'UTC', 10,
               'hiking', ST_SetSRID(ST_MakePoint(5 + 10 * random(), 45 + 10 * random()), 4326)::geography
        FROM generate_series(1, :count) n"""),
        {"group_id": group_id, "count": count},
    )


class TestEventsInBboxEndpoint:
    @pytest.mark.parametrize("zoom", ["", "&zoom=7", "&zoom=22", "&zoom=0"])
    def test_100000_events_in_the_viewport_answer_under_200_kb(self, client, zoom):
        _insert_events_in_box(f.group(f.user()).id, 100_000)
        response = client.get(f"/api/v1/events?bbox=4,44,16,56{zoom}")
        body = json.loads(response.data)
        assert response.status_code == 200 and len(response.data) < 200_000
        assert body["clustered"] is True and body["count"] == 100_000
        assert sum(feat["properties"]["count"] for feat in body["features"]) == 100_000
        assert all(feat["properties"]["cluster"] is True for feat in body["features"])

    def test_few_events_come_back_as_plain_features(self, client):
        grp = f.group(f.user())
        ids = events_at(grp.id, [(10.5, 10.5), (10.6, 10.6)])
        body = client.get("/api/v1/events?bbox=10,10,11,11").get_json()
        assert body["clustered"] is False
        assert sorted(feat["properties"]["id"] for feat in body["features"]) == sorted(ids)

    @pytest.mark.parametrize(
        "bbox", ["", "1,2,3", "a,b,c,d", "1,2,3,4,5", "0,10,1,5", "-181,0,1,1", "0,-91,1,1", "0,0,1,nan"]
    )
    def test_a_malformed_bbox_gets_400(self, client, bbox):
        response = client.get(f"/api/v1/events?bbox={bbox}")
        assert response.status_code == 400 and response.get_json()["error"]["field"] == "bbox"

    def test_a_bad_zoom_gets_400(self, client):
        response = client.get("/api/v1/events?bbox=0,0,1,1&zoom=40")
        assert response.status_code == 400 and response.get_json()["error"]["field"] == "zoom"


class TestOpenapi:
    def test_the_discovery_paths_are_described(self, client):
        paths = client.get("/api/v1/openapi.json").get_json()["paths"]
        for path in ("/groups/nearby", "/events/nearby", "/routes/nearby", "/events"):
            assert "get" in paths[path]
        assert "cluster" in paths["/events"]["get"]["description"]
