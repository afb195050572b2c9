"""Outings: create (API and web form), timezone default, validation, edit, cancel, the event object."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from planner import times
from planner.extensions import db
from planner.models import Event, Route
from tests.community.conftest import bearer, north_line_gpx
from tests.web.helpers import submit

NEW_EVENT = {
    "title": "Sunrise walk",
    "description": "Bring water.",
    "starts_at": "2030-05-01T08:30:00+08:00",
    "ends_at": "2030-05-01T12:00:00+08:00",
    "capacity": 12,
    "activity": "hiking",
    "lat": 30.25,
    "lon": 120.15,
}
EVENT_KEYS = {
    "id",
    "group_id",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "timezone",
    "capacity",
    "going_count",
    "waitlist_count",
    "spots_left",
    "activity",
    "difficulty",
    "lat",
    "lon",
    "route",
    "meeting_points",
    "my_rsvp",
}


def _event_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Event))


def login(client, user) -> None:
    """Log client in as user through the login form."""
    from tests.factories import PASSWORD

    response = submit(client, "/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302


class TestCreateEvent:
    def test_api_answers_the_contract_shape_in_utc_with_the_timezone(self, client, cast):
        response = client.post(f"/api/v1/groups/{cast.group.id}/events", json=NEW_EVENT, headers=bearer(cast.organiser))
        assert response.status_code == 201
        body = response.get_json()
        assert EVENT_KEYS <= set(body)
        assert body["starts_at"] == "2030-05-01T00:30:00Z" and body["ends_at"] == "2030-05-01T04:00:00Z"
        assert body["timezone"] == "Asia/Shanghai"
        # The organiser who creates an outing is going by default.
        assert (body["going_count"], body["waitlist_count"], body["spots_left"]) == (1, 0, 11)
        assert body["route"] is None and body["meeting_points"] == []
        assert body["my_rsvp"] == {"status": "going", "meeting_point_id": None}

    def test_the_timezone_defaults_to_the_one_at_the_start_point(self, client, cast):
        berlin = {
            **NEW_EVENT,
            "lat": 52.52,
            "lon": 13.40,
            "starts_at": "2030-07-01T09:00:00+02:00",
            "ends_at": "2030-07-01T15:00:00+02:00",
        }
        body = client.post(f"/api/v1/groups/{cast.group.id}/events", json=berlin, headers=bearer(cast.owner)).get_json()
        assert body["timezone"] == "Europe/Berlin" and body["starts_at"] == "2030-07-01T07:00:00Z"

    def test_a_route_gives_the_start_point_and_its_stats(self, client, cast, route):
        data = {k: v for k, v in NEW_EVENT.items() if k not in ("lat", "lon")}
        body = client.post(
            f"/api/v1/groups/{cast.group.id}/events", json={**data, "route_id": route.id}, headers=bearer(cast.owner)
        ).get_json()
        assert (body["lat"], body["lon"]) == (30.2, 120.1)
        assert body["route"]["id"] == route.id and body["route"]["length_m"] > 11000

    def test_bad_input_is_400_naming_the_field_and_writes_nothing(self, client, cast):
        before = _event_count()
        cases = [
            ("starts_at", "next tuesday"),
            ("ends_at", "2030-05-01T07:00:00+08:00"),
            ("capacity", 0),
            ("capacity", "many"),
            ("timezone", "Mars/Olympus"),
            ("activity", "sailing"),
            ("lat", 100),
            ("title", ""),
            ("route_id", 999999),
            ("difficulty", "deadly"),
        ]
        for field, value in cases:
            response = client.post(
                f"/api/v1/groups/{cast.group.id}/events", json={**NEW_EVENT, field: value}, headers=bearer(cast.owner)
            )
            assert response.status_code == 400, (field, value)
            assert response.get_json()["error"]["field"] == field
        assert _event_count() == before

    def test_members_may_not_create_outings(self, client, cast):
        response = client.post(f"/api/v1/groups/{cast.group.id}/events", json=NEW_EVENT, headers=bearer(cast.member))
        assert response.status_code == 403


class TestUpdateEvent:
    def test_organisers_edit_and_times_keep_the_event_timezone(self, client, cast):
        event_id = client.post(
            f"/api/v1/groups/{cast.group.id}/events", json=NEW_EVENT, headers=bearer(cast.owner)
        ).get_json()["id"]
        body = client.patch(
            f"/api/v1/events/{event_id}",
            json={"title": "Moved", "starts_at": "2030-05-01T09:00:00"},
            headers=bearer(cast.organiser),
        ).get_json()
        assert body["title"] == "Moved" and body["starts_at"] == "2030-05-01T01:00:00Z"

    def test_an_end_before_the_start_is_refused(self, client, cast):
        event_id = client.post(
            f"/api/v1/groups/{cast.group.id}/events", json=NEW_EVENT, headers=bearer(cast.owner)
        ).get_json()["id"]
        response = client.patch(
            f"/api/v1/events/{event_id}", json={"ends_at": "2030-04-01T00:00:00Z"}, headers=bearer(cast.owner)
        )
        assert response.status_code == 400 and response.get_json()["error"]["field"] == "ends_at"


class TestCancelEvent:
    def test_cancelling_marks_the_outing_and_twice_is_409(self, client, cast):
        event_id = client.post(
            f"/api/v1/groups/{cast.group.id}/events", json=NEW_EVENT, headers=bearer(cast.owner)
        ).get_json()["id"]
        assert (
            client.post(f"/api/v1/events/{event_id}/cancel", headers=bearer(cast.organiser)).get_json()["status"]
            == "cancelled"
        )
        assert client.post(f"/api/v1/events/{event_id}/cancel", headers=bearer(cast.organiser)).status_code == 409


class TestEventForm:
    def test_local_time_plus_timezone_becomes_utc(self, client, cast):
        login(client, cast.organiser)
        url = f"/groups/{cast.group.id}/events/new"
        response = submit(
            client,
            url,
            {
                "title": "Form walk",
                "starts_at": "2030-01-05T08:30",
                "ends_at": "2030-01-05T12:00",
                "timezone": "Europe/Berlin",
                "capacity": "8",
                "activity": "hiking",
                "difficulty": "",
                "route_id": "",
                "lat": "52.5",
                "lon": "13.4",
            },
        )
        assert response.status_code == 302
        event = db.session.scalar(select(Event).where(Event.title == "Form walk"))
        assert event.starts_at == datetime(2030, 1, 5, 7, 30, tzinfo=UTC)

    def test_creating_and_editing_confirm_themselves(self, client, cast):
        login(client, cast.organiser)
        data = {
            "title": "Confirmed walk",
            "starts_at": "2030-01-05T08:30",
            "ends_at": "2030-01-05T12:00",
            "timezone": "Europe/Berlin",
            "capacity": "8",
            "activity": "hiking",
            "difficulty": "",
            "route_id": "",
            "lat": "52.5",
            "lon": "13.4",
        }
        created = submit(client, f"/groups/{cast.group.id}/events/new", data, follow_redirects=True)
        assert "Outing created: you&#39;re going" in created.get_data(as_text=True)
        event = db.session.scalar(select(Event).where(Event.title == "Confirmed walk"))
        edited = submit(client, f"/events/{event.id}/edit", {**data, "title": "Renamed walk"}, follow_redirects=True)
        assert "Outing updated" in edited.get_data(as_text=True) and "Renamed walk" in edited.get_data(as_text=True)

    def test_a_gpx_uploaded_on_the_spot_becomes_the_route(self, client, cast):
        from io import BytesIO

        login(client, cast.organiser)
        url = f"/groups/{cast.group.id}/events/new"
        data = {
            "title": "Upload walk",
            "starts_at": "2030-01-05T08:30",
            "ends_at": "2030-01-05T12:00",
            "timezone": "",
            "capacity": "8",
            "activity": "hiking",
            "difficulty": "",
            "route_id": "",
            "lat": "",
            "lon": "",
            "gpx": (BytesIO(north_line_gpx()), "line.gpx"),
        }
        response = submit(client, url, data, content_type="multipart/form-data")
        assert response.status_code == 302
        event = db.session.scalar(select(Event).where(Event.title == "Upload walk"))
        assert event.route.group_id == cast.group.id and event.timezone == "Asia/Shanghai"

    def test_a_bad_upload_is_a_form_error_and_writes_nothing(self, client, cast):
        from io import BytesIO

        login(client, cast.organiser)
        before = _event_count(), db.session.scalar(select(func.count()).select_from(Route))
        data = {
            "title": "Bad",
            "starts_at": "2030-01-05T08:30",
            "ends_at": "2030-01-05T12:00",
            "timezone": "",
            "capacity": "8",
            "activity": "hiking",
            "difficulty": "",
            "route_id": "",
            "lat": "",
            "lon": "",
            "gpx": (BytesIO(b"<gpx>broken"), "bad.gpx"),
        }
        response = submit(client, f"/groups/{cast.group.id}/events/new", data, content_type="multipart/form-data")
        assert response.status_code == 400
        assert (_event_count(), db.session.scalar(select(func.count()).select_from(Route))) == before


class TestTimezoneAt:
    def test_it_finds_zones_offline(self, ctx):
        assert times.timezone_at(30.25, 120.15) == "Asia/Shanghai"
        assert times.timezone_at(-33.87, 151.21) == "Australia/Sydney"


class TestAttachableRoute:
    def test_another_organisers_own_route_stays_attached_when_editing(self, client, cast):
        from planner.services import routes

        own = routes.import_gpx(cast.owner.id, north_line_gpx())
        event_id = client.post(
            f"/api/v1/groups/{cast.group.id}/events", json={**NEW_EVENT, "route_id": own.id}, headers=bearer(cast.owner)
        ).get_json()["id"]
        response = client.patch(
            f"/api/v1/events/{event_id}",
            json={"route_id": own.id, "title": "Same route"},
            headers=bearer(cast.organiser),
        )
        assert response.status_code == 200 and response.get_json()["route"]["id"] == own.id

    def test_someone_elses_route_cannot_be_attached(self, client, cast):
        from planner.services import routes

        foreign = routes.import_gpx(cast.outsider.id, north_line_gpx())
        response = client.post(
            f"/api/v1/groups/{cast.group.id}/events",
            json={**NEW_EVENT, "route_id": foreign.id},
            headers=bearer(cast.owner),
        )
        assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_route"
