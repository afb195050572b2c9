"""Meeting points: by coordinates or place name, snapped to the route, ordered, timed, chosen when RSVPing."""

from datetime import UTC, datetime, timedelta

import pytest
from geopy.distance import geodesic

from planner.errors import ServiceError
from planner.services import meeting_points, rsvp
from tests import factories
from tests.community.conftest import LINE_START, bearer

START = datetime(2030, 5, 1, 0, 0, tzinfo=UTC)


@pytest.fixture
def outing(cast, route):
    """An outing of the cast's group on the 11 km north line."""
    return factories.event(cast.group, route_id=route.id, starts_at=START, ends_at=START + timedelta(hours=6))


class TestAdd:
    def test_a_point_is_snapped_with_along_and_off_route_distances(self, cast, outing):
        point = meeting_points.add(outing.id, cast.organiser, {"name": "Bridge", "lat": 30.25, "lon": 120.101})
        expected_along_m = geodesic(LINE_START, (30.25, 120.1)).m
        expected_off_m = geodesic((30.25, 120.1), (30.25, 120.101)).m
        assert point.along_m == pytest.approx(expected_along_m, rel=2e-3)
        assert point.off_route_m == pytest.approx(expected_off_m, rel=1e-3)

    def test_without_a_route_there_is_no_snapping(self, cast):
        event = factories.event(cast.group)
        point = meeting_points.add(event.id, cast.owner, {"name": "Car park", "lat": 30.2, "lon": 120.1})
        assert (point.along_m, point.off_route_m) == (None, None)

    def test_a_place_name_is_geocoded_offline(self, cast, outing):
        point = meeting_points.add(outing.id, cast.owner, {"name": "Town", "place": "Hangzhou"})
        shown = meeting_points.point_dict(point, None)
        assert shown["lat"] == pytest.approx(30.29, abs=0.05) and shown["lon"] == pytest.approx(120.16, abs=0.05)

    def test_an_unknown_place_is_400_and_writes_nothing(self, cast, outing):
        with pytest.raises(ServiceError) as error:
            meeting_points.add(outing.id, cast.owner, {"name": "X", "place": "Qqqxxzz Nowhere"})
        assert error.value.field == "place"
        assert meeting_points.ordered(outing.id) == []

    def test_the_meeting_time_is_local_to_the_event(self, cast, outing):
        point = meeting_points.add(
            outing.id, cast.owner, {"name": "Gate", "lat": 30.21, "lon": 120.1, "meet_at": "2030-05-01T08:15"}
        )
        assert meeting_points.point_dict(point, None)["meet_at"] == "2030-05-01T00:15:00Z"


class TestOrdered:
    def test_points_are_listed_along_the_route_with_numbers(self, cast, outing):
        for name, lat in [("Far", 30.29), ("Near", 30.21), ("Middle", 30.25)]:
            meeting_points.add(outing.id, cast.owner, {"name": name, "lat": lat, "lon": 120.1})
        listed = meeting_points.list_dicts(outing, None)
        assert [(p["number"], p["name"]) for p in listed] == [(1, "Near"), (2, "Middle"), (3, "Far")]


class TestEstimatedArrival:
    def test_it_follows_the_route_pace_model(self, cast, outing):
        from planner.geo.stats import estimate_duration_s

        point = meeting_points.add(outing.id, cast.owner, {"name": "Half", "lat": 30.25, "lon": 120.1})
        arrival = meeting_points.estimated_arrival(outing, point.along_m, None)
        # The line climbs evenly, so half-way means half the route's ascent.
        expected_s = estimate_duration_s(
            point.along_m, outing.route.ascent_m * point.along_m / outing.route.length_m, 0.0, "hiking"
        )
        assert (arrival - START).total_seconds() == pytest.approx(expected_s, abs=60)
        at_end = meeting_points.estimated_arrival(outing, outing.route.length_m, None)
        assert (at_end - START).total_seconds() == pytest.approx(outing.route.estimated_duration_s, rel=0.01)


class TestClimbUntil:
    def test_partial_segments_count_in_proportion(self):
        profile = [(0.0, 100.0), (100.0, 120.0), (200.0, 110.0)]
        assert meeting_points.climb_until_m(profile, 50.0) == (10.0, 0.0)
        assert meeting_points.climb_until_m(profile, 200.0) == (20.0, 10.0)


class TestChosenMeetingPoint:
    def test_participants_pick_a_point_and_organisers_see_the_counts(self, client, cast, outing):
        point = meeting_points.add(outing.id, cast.owner, {"name": "Bridge", "lat": 30.25, "lon": 120.1})
        rsvp.rsvp(outing.id, cast.member, point.id)
        rsvp.rsvp(outing.id, cast.outsider, str(point.id))
        assert rsvp.going_per_meeting_point(outing.id) == {point.id: 2}


class TestMeetingPointsApi:
    def test_create_list_patch_delete(self, client, cast, outing):
        url = f"/api/v1/events/{outing.id}/meeting-points"
        created = client.post(
            url, json={"name": "Bridge", "lat": 30.25, "lon": 120.1, "notes": "Café"}, headers=bearer(cast.organiser)
        )
        assert created.status_code == 201
        body = created.get_json()
        assert set(body) == {"id", "name", "lat", "lon", "meet_at", "notes", "along_m", "off_route_m"}
        assert [p["id"] for p in client.get(url).get_json()] == [body["id"]]
        patched = client.patch(
            f"/api/v1/meeting-points/{body['id']}", json={"lat": 30.21, "lon": 120.1}, headers=bearer(cast.organiser)
        ).get_json()
        assert patched["along_m"] < body["along_m"]
        assert client.delete(f"/api/v1/meeting-points/{body['id']}", headers=bearer(cast.owner)).status_code == 204
        assert client.get(url).get_json() == []

    def test_changing_the_route_snaps_the_points_again(self, client, cast, outing):
        point = meeting_points.add(outing.id, cast.owner, {"name": "Bridge", "lat": 30.25, "lon": 120.1})
        client.patch(
            f"/api/v1/events/{outing.id}",
            json={"route_id": None, "lat": 30.2, "lon": 120.1},
            headers=bearer(cast.owner),
        )
        assert meeting_points.point_dict(point, None)["along_m"] is None


class TestSnapOnATurningRoute:
    def test_along_is_the_distance_on_the_route_not_a_planar_share(self, cast):
        from planner.services import routes
        from tests.community.test_suggestions import l_route_gpx

        route = routes.import_gpx(cast.owner.id, l_route_gpx(), group_id=cast.group.id)
        event = factories.event(cast.group, route_id=route.id)
        corner = meeting_points.add(event.id, cast.owner, {"name": "Corner", "lat": 30.30, "lon": 120.10})
        east = meeting_points.add(event.id, cast.owner, {"name": "East", "lat": 30.30, "lon": 120.15})
        north_leg_m = geodesic((30.20, 120.10), (30.30, 120.10)).m
        assert corner.along_m == pytest.approx(north_leg_m, abs=1.0)
        assert east.along_m == pytest.approx(north_leg_m + geodesic((30.30, 120.10), (30.30, 120.15)).m, abs=2.0)
