"""An outing as iCalendar and as GPX."""

from datetime import datetime
from xml.etree import ElementTree

from icalendar import Calendar

from planner.services import meeting_points
from tests import factories

GPX = "{http://www.topografix.com/GPX/1/1}"


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
