"""An outing as iCalendar and as GPX."""

from datetime import datetime
from xml.etree import ElementTree

from icalendar import Calendar

from planner.services import events, meeting_points, routes
from tests import factories
from tests.community.conftest import LINE_POINTS, north_line_gpx
from tests.web.helpers import submit

GPX = "{http://www.topografix.com/GPX/1/1}"


def login(client, user) -> None:
    assert submit(client, "/login", {"email": user.email, "password": factories.PASSWORD}).status_code == 302


class TestEventIcs:
    def test_it_parses_with_the_local_start_location_geo_and_url(self, client, cast):
        start = datetime.fromisoformat("2030-05-01T00:30:00+00:00")
        event = factories.event(cast.group, starts_at=start, ends_at=start.replace(hour=4), title="Dawn walk")
        response = client.get(f"/api/v1/events/{event.id}.ics")
        assert response.status_code == 200 and response.mimetype == "text/calendar"
        item = Calendar.from_ical(response.data).walk("VEVENT")[0]
        dtstart = item.decoded("dtstart")
        assert str(dtstart.tzinfo) == "Asia/Shanghai" and (dtstart.hour, dtstart.minute) == (8, 30)
        assert str(item["summary"]) == "Dawn walk"
        assert "30.25000" in str(item["location"])
        assert (item["geo"].latitude, item["geo"].longitude) == (30.25, 120.15)
        assert str(item["url"]).endswith(f"/events/{event.id}")

    def test_location_and_geo_come_from_the_first_meeting_point(self, client, cast, route):
        event = factories.event(cast.group, route_id=route.id)
        meeting_points.add(event.id, cast.owner, {"name": "Late stop", "lat": 30.28, "lon": 120.1})
        meeting_points.add(event.id, cast.owner, {"name": "Early stop", "lat": 30.21, "lon": 120.1})
        item = Calendar.from_ical(client.get(f"/api/v1/events/{event.id}.ics").data).walk("VEVENT")[0]
        assert str(item["location"]).startswith("Early stop")
        assert (item["geo"].latitude, item["geo"].longitude) == (30.21, 120.1)

    def test_a_cancelled_outing_says_so_with_a_higher_sequence(self, client, cast):
        event = factories.event(cast.group)
        before = Calendar.from_ical(client.get(f"/api/v1/events/{event.id}.ics").data).walk("VEVENT")[0]
        events.cancel_event(event.id, cast.owner)
        after = Calendar.from_ical(client.get(f"/api/v1/events/{event.id}.ics").data).walk("VEVENT")[0]
        assert (before.decoded("sequence"), str(before["status"])) == (0, "CONFIRMED")
        assert (after.decoded("sequence"), str(after["status"])) == (1, "CANCELLED")

    def test_private_outings_are_404_to_outsiders(self, client, private_cast):
        event = factories.event(private_cast.group)
        assert client.get(f"/api/v1/events/{event.id}.ics").status_code == 404


class TestEventGpx:
    def test_it_carries_the_route_and_the_meeting_points_as_waypoints(self, client, cast, route):
        event = factories.event(cast.group, route_id=route.id)
        meeting_points.add(event.id, cast.owner, {"name": "Bridge", "lat": 30.25, "lon": 120.1, "notes": "By the café"})
        response = client.get(f"/api/v1/events/{event.id}.gpx")
        root = ElementTree.fromstring(response.data)
        assert len(root.findall(f"{GPX}trk/{GPX}trkseg/{GPX}trkpt")) == 101
        waypoints = root.findall(f"{GPX}wpt")
        assert [w.findtext(f"{GPX}name") for w in waypoints] == ["1. Bridge"]
        assert waypoints[0].findtext(f"{GPX}desc") == "By the café"

    def test_without_a_route_the_start_is_a_waypoint(self, client, cast):
        event = factories.event(cast.group)
        root = ElementTree.fromstring(client.get(f"/api/v1/events/{event.id}.gpx").data)
        assert [w.findtext(f"{GPX}name") for w in root.findall(f"{GPX}wpt")] == ["Start"]


class TestPageDownloads:
    """The outing page's .ics and GPX links answer the logged-in viewer (the API knows bearer tokens only)."""

    def test_the_page_links_to_downloads_that_know_the_session(self, client, private_cast):
        event = factories.event(private_cast.group)
        login(client, private_cast.member)
        html = client.get(f"/events/{event.id}").get_data(as_text=True)
        assert f'href="/events/{event.id}.ics"' in html and f'href="/events/{event.id}.gpx"' in html
        assert "/api/v1/events/" not in html

    def test_a_private_groups_member_downloads_both(self, client, private_cast):
        route = routes.import_gpx(
            private_cast.owner.id, north_line_gpx(), activity="hiking", group_id=private_cast.group.id
        )
        event = factories.event(private_cast.group, route_id=route.id, title="Members' dawn walk")
        meeting_points.add(event.id, private_cast.owner, {"name": "Gate", "lat": 30.21, "lon": 120.1})
        login(client, private_cast.member)
        ics = client.get(f"/events/{event.id}.ics")
        assert ics.status_code == 200 and ics.mimetype == "text/calendar"
        assert f'filename="event-{event.id}.ics"' in ics.headers["Content-Disposition"]
        item = Calendar.from_ical(ics.data).walk("VEVENT")[0]
        assert str(item["summary"]) == "Members' dawn walk" and str(item["url"]).endswith(f"/events/{event.id}")
        track = client.get(f"/events/{event.id}.gpx")
        assert track.status_code == 200 and track.mimetype == "application/gpx+xml"
        root = ElementTree.fromstring(track.data)
        assert len(root.findall(f"{GPX}trk/{GPX}trkseg/{GPX}trkpt")) == LINE_POINTS
        assert [w.findtext(f"{GPX}name") for w in root.findall(f"{GPX}wpt")] == ["1. Gate"]

    def test_outsiders_and_strangers_get_a_404(self, client, private_cast):
        event = factories.event(private_cast.group)
        for suffix in ("ics", "gpx"):
            assert client.get(f"/events/{event.id}.{suffix}").status_code == 404
        login(client, private_cast.outsider)
        for suffix in ("ics", "gpx"):
            assert client.get(f"/events/{event.id}.{suffix}").status_code == 404

    def test_an_unknown_outing_is_a_404(self, client, ctx):
        assert client.get("/events/999999999.ics").status_code == 404
        assert client.get("/events/999999999.gpx").status_code == 404
