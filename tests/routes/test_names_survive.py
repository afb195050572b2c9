"""Names in any script come out of every export exactly as they went in: Chinese, emoji (with skin tones and ZWJ),
Arabic (right to left, with a right-to-left mark) and combining accents (not normalised to NFC), from a GPX file in
UTF-8, UTF-16 or GB18030 to the API, GeoJSON, GPX, iCalendar, the personal calendar feed and e-mail."""

from __future__ import annotations

import codecs
import io
import json
import unicodedata
from xml.sax.saxutils import escape

import gpxpy
import pytest
from icalendar import Calendar

from planner.extensions import db
from planner.models import Event
from planner.services import feeds
from planner.times import local_text
from tests import factories
from tests.community.conftest import LINE_START, add_member, bearer, make_cast
from tests.notifications.conftest import run_jobs
from tests.notifications.smtp_server import smtp_fixture  # noqa: F401  (the smtp fixture)

ROUTE = "西湖夜跑：断桥—苏堤 🏃🏽\u200d♀️ مسار الشاطئ Cafe\u0301 𠮷"
ROUTE_DESCRIPTION = "沿白堤、苏堤慢跑。\nنركض على الضفة 🌊\nDe\u0301part a\u0300 19h30."
WAYPOINTS = ("断桥残雪", "مسار\u200f الجسر", "Pe\u0301rigord 👣", "苏堤春晓 🌅")
GROUP = "西湖夜跑团 🏃 فريق"
TITLE = "周三夜跑 🌙 مسار Re\u0301sume\u0301"
DESCRIPTION = "集合点：断桥。领队：王芳。\nنلتقي عند الجسر 🌉\nCafe\u0301 après."
POINT = "断桥 集合点 📍 الجسر Cafe\u0301 du Pont"
NOTES = "穿反光背心 🦺 e\u0301te\u0301"
MOVED = "苏堤南口 🚩 الجنوب Pre\u0301 sud"
PERSON = "王芳 Zoe\u0308"


def gpx_document(declared: str) -> str:
    """The test route as GPX text declaring the encoding `declared`: 101 points due north from LINE_START."""
    lat0, lon = LINE_START
    marks = "".join(
        f'<wpt lat="{lat0 + 0.02 * (i + 1)}" lon="{lon}"><name>{escape(name)}</name></wpt>'
        for i, name in enumerate(WAYPOINTS)
    )
    points = "".join(
        f'<trkpt lat="{lat0 + 0.001 * i:.3f}" lon="{lon}"><ele>{8 + i % 3}</ele></trkpt>' for i in range(101)
    )
    return (
        f'<?xml version="1.0" encoding="{declared}"?>\n'
        '<gpx version="1.1" creator="测试" xmlns="http://www.topografix.com/GPX/1/1">\n'
        f"<metadata><name>{escape(ROUTE)}</name><desc>{escape(ROUTE_DESCRIPTION)}</desc></metadata>\n{marks}\n"
        f"<trk><name>{escape(ROUTE)}</name><trkseg>{points}</trkseg></trk>\n</gpx>\n"
    )


ENCODED = {
    "utf-8": gpx_document("UTF-8").encode(),
    "utf-16": codecs.BOM_UTF16_LE + gpx_document("UTF-16").encode("utf-16-le"),
    "gb18030": gpx_document("GB18030").encode("gb18030"),
}


def upload(client, user, data: bytes, group_id: int | None = None) -> dict:
    """POST data as a GPX file; the route object."""
    fields = {"file": (io.BytesIO(data), "夜跑.gpx"), **({"group_id": str(group_id)} if group_id else {})}
    response = client.post("/api/v1/routes", headers=bearer(user), data=fields, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def calendar_events(body: bytes) -> list:
    """The VEVENTs of an iCalendar body, which must be UTF-8 with no character cut by line folding."""
    body.decode("utf-8")
    return Calendar.from_ical(body).walk("VEVENT")


class TestTheTestData:
    def test_it_is_not_normalised_so_a_normalising_export_would_fail(self):
        for text in (ROUTE, ROUTE_DESCRIPTION, TITLE, DESCRIPTION, POINT, NOTES, MOVED, PERSON, WAYPOINTS[2]):
            assert unicodedata.normalize("NFC", text) != text
        assert "\u200d" in ROUTE and "\u200f" in WAYPOINTS[1]


class TestTheRoute:
    @pytest.mark.parametrize("encoding", ENCODED)
    def test_the_api_object_geojson_and_gpx_carry_the_names(self, client, ctx, encoding):
        owner = factories.user()
        route = upload(client, owner, ENCODED[encoding])
        assert (route["name"], route["description"]) == (ROUTE, ROUTE_DESCRIPTION)
        assert client.get(f"/api/v1/routes/{route['id']}").get_json()["name"] == ROUTE
        feature = json.loads(client.get(f"/api/v1/routes/{route['id']}.geojson").data)
        assert (feature["properties"]["name"], feature["properties"]["description"]) == (ROUTE, ROUTE_DESCRIPTION)
        exported = gpxpy.parse(client.get(f"/api/v1/routes/{route['id']}.gpx").data.decode("utf-8"))
        assert (exported.name, exported.description, exported.tracks[0].name) == (ROUTE, ROUTE_DESCRIPTION, ROUTE)
        assert tuple(w.name for w in exported.waypoints) == WAYPOINTS

    def test_the_route_page_shows_the_names(self, client, ctx):
        route = upload(client, factories.user(), ENCODED["gb18030"])
        page = client.get(f"/routes/{route['id']}").get_data(as_text=True)
        assert escape(ROUTE) in page and all(escape(name) in page for name in WAYPOINTS)


@pytest.fixture
def outing(client, ctx):
    """A group named GROUP whose organiser plans TITLE on the GB18030 route, meeting at POINT; PERSON goes there."""
    cast = make_cast(name=GROUP)
    person = factories.user(PERSON)
    add_member(cast.group, person)
    route = upload(client, cast.owner, ENCODED["gb18030"], group_id=cast.group.id)
    body = {"title": TITLE, "description": DESCRIPTION, "starts_at": "2030-01-09T19:30", "ends_at": "2030-01-09T21:30",
            "timezone": "Asia/Shanghai", "capacity": 20, "activity": "running", "route_id": route["id"]}  # fmt: skip
    created = client.post(f"/api/v1/groups/{cast.group.id}/events", json=body, headers=bearer(cast.organiser))
    assert created.status_code == 201, created.get_json()
    event = created.get_json()
    lat, lon = LINE_START[0] + 0.005, LINE_START[1]
    point = client.post(
        f"/api/v1/events/{event['id']}/meeting-points",
        json={"name": POINT, "notes": NOTES, "lat": lat, "lon": lon, "meet_at": "2030-01-09T19:20"},
        headers=bearer(cast.organiser),
    )
    assert point.status_code == 201, point.get_json()
    going = client.post(
        f"/api/v1/events/{event['id']}/rsvp", json={"meeting_point_id": point.get_json()["id"]}, headers=bearer(person)
    )
    assert going.status_code in (200, 201), going.get_json()
    return {"cast": cast, "person": person, "event": event, "point": point.get_json()}


class TestTheOuting:
    def test_the_api_object_carries_the_title_and_text(self, client, outing):
        event = client.get(f"/api/v1/events/{outing['event']['id']}").get_json()
        assert (event["title"], event["description"]) == (TITLE, DESCRIPTION)
        assert (outing["point"]["name"], outing["point"]["notes"]) == (POINT, NOTES)

    def test_its_icalendar_file(self, client, outing):
        (item,) = calendar_events(client.get(f"/api/v1/events/{outing['event']['id']}.ics").data)
        assert str(item["SUMMARY"]) == TITLE and str(item["DESCRIPTION"]) == DESCRIPTION
        assert str(item["LOCATION"]).startswith(f"{POINT} (")

    def test_its_gpx_file(self, client, outing):
        exported = gpxpy.parse(client.get(f"/api/v1/events/{outing['event']['id']}.gpx").data.decode("utf-8"))
        assert exported.tracks[0].name == ROUTE
        marks = [(w.name, w.description) for w in exported.waypoints]
        assert marks == [*((name, None) for name in WAYPOINTS), (f"1. {POINT}", NOTES)]

    def test_the_personal_calendar_feed(self, client, outing):
        key = feeds.feed_url_key(outing["person"])
        (item,) = calendar_events(client.get(f"/calendar/{key}.ics").data)
        assert str(item["SUMMARY"]) == TITLE
        assert str(item["LOCATION"]).startswith(f"{POINT} (")
        assert POINT in str(item["DESCRIPTION"]) and str(item["DESCRIPTION"]).endswith(f"\n\n{DESCRIPTION}")

    def test_the_group_calendar_feed(self, client, outing):
        (item,) = calendar_events(client.get(f"/groups/{outing['cast'].group.id}/calendar.ics").data)
        assert str(item["SUMMARY"]) == TITLE and str(item["LOCATION"]).startswith(f"{POINT} (")


class TestTheEmails:
    def test_the_new_outing_message(self, app, outing, smtp):
        run_jobs(app)
        (message,) = smtp.inbox.to(outing["person"].email)
        assert message["To"].addresses[0].display_name == PERSON
        event = db.session.get(Event, outing["event"]["id"])
        assert message["Subject"] == f"New outing in {GROUP}: {TITLE}, {local_text(event.starts_at, event.timezone)}."
        text = message.get_body(("plain",)).get_content()
        assert f"Hello {PERSON}," in text and TITLE in text and GROUP in text

    def test_the_moved_meeting_point_message(self, app, client, outing, smtp):
        run_jobs(app)
        smtp.inbox.received.clear()
        moved = client.patch(
            f"/api/v1/meeting-points/{outing['point']['id']}",
            json={"name": MOVED, "lat": LINE_START[0] + 0.02, "lon": LINE_START[1]},
            headers=bearer(outing["cast"].organiser),
        )
        assert moved.status_code == 200, moved.get_json()
        run_jobs(app)
        (message,) = smtp.inbox.to(outing["person"].email)
        assert TITLE in message["Subject"]
        text = message.get_body(("plain",)).get_content()
        assert f"Before: {POINT}, 19:20" in text and f"Now: {MOVED}" in text
