"""Calendar feeds: a person's private feed (at their meeting points) and each public group's feed, parsed with icalendar."""

from __future__ import annotations

from urllib.parse import urlsplit

from icalendar import Calendar

from planner.extensions import db
from planner.models import Rsvp
from planner.services import events, feeds, groups, meeting_points, rsvp
from tests import factories
from tests.notifications.conftest import bearer
from tests.web.helpers import csrf_token, submit

OUTING = {
    "title": "Lake loop",
    "description": "Bring water.",
    "starts_at": "2030-01-05T08:30",
    "ends_at": "2030-01-05T12:00",
    "timezone": "Europe/Berlin",
    "capacity": 2,
    "activity": "hiking",
    "lat": 52.5,
    "lon": 13.4,
}
BRIDGE = {"name": "Bridge", "lat": 52.51, "lon": 13.41, "meet_at": "2030-01-05T09:00"}


def _outing(cast, **changes):
    """An outing of the cast's group made by its organiser (who is then going)."""
    return events.create_event(cast.group.id, cast.organiser, {**OUTING, **changes})


def _path(user) -> str:
    """The path of user's private feed."""
    return urlsplit(feeds.feed_url(feeds.feed_url_key(user), "")).path


def _fetch(client, path: str) -> Calendar:
    """A feed fetched and parsed (it must answer 200)."""
    response = client.get(path)
    assert response.status_code == 200, response.data[:300]
    return Calendar.from_ical(response.data)


def _entries(client, user) -> dict[str, object]:
    """user's private feed: {UID: VEVENT}."""
    return {str(item["uid"]): item for item in _fetch(client, _path(user)).walk("VEVENT")}


def _entry(client, user, event):
    """The VEVENT of event in user's private feed."""
    return _entries(client, user)[f"event-{event.id}@planner"]


def _geo(item) -> tuple[float, float]:
    """GEO as (lat, lon)."""
    return item["geo"].latitude, item["geo"].longitude


class TestPersonalFeed:
    def test_it_lists_the_outings_i_go_to_or_wait_for_and_nothing_else(self, client, cast):
        event, cancelled_rsvp, unanswered = _outing(cast), _outing(cast), _outing(cast)
        rsvp.rsvp(event.id, cast.member)  # the second of two places
        rsvp.rsvp(event.id, cast.outsider)  # waitlisted
        rsvp.rsvp(cancelled_rsvp.id, cast.member)
        rsvp.cancel(cancelled_rsvp.id, cast.member)
        uid = f"event-{event.id}@planner"
        assert set(_entries(client, cast.member)) == {uid}
        assert set(_entries(client, cast.outsider)) == {uid}
        assert set(_entries(client, cast.organiser)) == {
            f"event-{e.id}@planner" for e in (event, cancelled_rsvp, unanswered)
        }
        assert _entries(client, cast.owner) == {}
        waiting = str(_entry(client, cast.outsider, event)["description"])
        assert waiting.startswith("You meet at the start, 08:30 (waitlisted: number 1)")
        assert "waitlisted" not in str(_entry(client, cast.member, event)["description"])

    def test_an_entry_carries_my_meeting_point_and_the_outings_own_times(self, client, cast):
        event = _outing(cast)
        point = meeting_points.add(event.id, cast.organiser, BRIDGE)
        rsvp.rsvp(event.id, cast.member, point.id)
        calendar = _fetch(client, _path(cast.member))
        assert str(calendar["x-wr-calname"]) == "My outings"
        assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
        item = calendar.walk("VEVENT")[0]
        assert str(item["location"]) == "Bridge (52.51000, 13.41000)" and _geo(item) == (52.51, 13.41)
        assert str(item["description"]) == "You meet at Bridge, 09:00\n\nBring water."
        start = item.decoded("dtstart")
        assert str(start.tzinfo) == "Europe/Berlin" and (start.hour, start.minute) == (8, 30)
        assert str(item["summary"]) == "Lake loop" and str(item["status"]) == "CONFIRMED"
        assert str(item["url"]) == f"{client.application.config['BASE_URL']}/events/{event.id}"
        organiser = _entry(client, cast.organiser, event)  # chose no meeting point: the start
        assert _geo(organiser) == (52.5, 13.4) and str(organiser["location"]).startswith("Start (")
        assert str(organiser["description"]).startswith("You meet at the start, 08:30")

    def test_moving_my_meeting_point_shows_the_new_place_with_a_higher_sequence(self, client, cast):
        event = _outing(cast)
        point = meeting_points.add(event.id, cast.organiser, BRIDGE)
        rsvp.rsvp(event.id, cast.member, point.id)
        before = _entry(client, cast.member, event)
        meeting_points.update(
            point.id, cast.organiser, {"name": "Old mill", "lat": 52.52, "lon": 13.42, "meet_at": "2030-01-05T09:15"}
        )
        after = _entry(client, cast.member, event)
        assert str(before["location"]).startswith("Bridge") and str(after["location"]).startswith("Old mill")
        assert _geo(after) == (52.52, 13.42)
        assert str(after["description"]).startswith("You meet at Old mill, 09:15")
        assert after.decoded("sequence") > before.decoded("sequence")

    def test_a_new_time_moves_the_entry_and_raises_its_sequence(self, client, cast):
        event = _outing(cast)
        before = _entry(client, cast.organiser, event)
        events.update_event(event.id, cast.organiser, {"starts_at": "2030-01-05T10:00", "ends_at": "2030-01-05T13:00"})
        after = _entry(client, cast.organiser, event)
        assert (after.decoded("dtstart").hour, before.decoded("dtstart").hour) == (10, 8)
        assert after.decoded("sequence") > before.decoded("sequence")

    def test_a_cancelled_outing_stays_marked_cancelled_with_a_higher_sequence(self, client, cast):
        event = _outing(cast)
        rsvp.rsvp(event.id, cast.member)
        before = _entry(client, cast.member, event)
        events.cancel_event(event.id, cast.organiser)
        after = _entry(client, cast.member, event)
        assert str(before["status"]) == "CONFIRMED" and str(after["status"]) == "CANCELLED"
        assert after.decoded("sequence") > before.decoded("sequence")
        assert str(after["summary"]) == "Cancelled: Lake loop"

    def test_recent_outings_stay_and_older_ones_go(self, client, cast):
        recent = factories.event(cast.group, days=-10)
        old = factories.event(cast.group, days=-40)
        for event in (recent, old):  # the RSVP service refuses finished outings
            db.session.add(Rsvp(event_id=event.id, user_id=cast.member.id, status="going"))
        db.session.commit()
        assert set(_entries(client, cast.member)) == {f"event-{recent.id}@planner"}

    def test_a_private_groups_outings_leave_the_feed_with_the_person(self, client, private_cast):
        event = _outing(private_cast)
        rsvp.rsvp(event.id, private_cast.member)
        assert set(_entries(client, private_cast.member)) == {f"event-{event.id}@planner"}
        groups.leave(private_cast.group.id, private_cast.member)
        assert _entries(client, private_cast.member) == {}

    def test_names_in_any_script_survive(self, client, cast):
        event = _outing(cast, title="西湖晨走", description="带水。")
        point = meeting_points.add(event.id, cast.organiser, {**BRIDGE, "name": "断桥"})
        rsvp.rsvp(event.id, cast.member, point.id)
        response = client.get(_path(cast.member))
        item = Calendar.from_ical(response.data).walk("VEVENT")[0]
        assert str(item["summary"]) == "西湖晨走" and str(item["location"]).startswith("断桥 (")
        assert str(item["description"]) == "You meet at 断桥, 09:00\n\n带水。"
        assert "西湖晨走".encode() in response.data


class TestFeedUrl:
    def test_the_key_is_made_once_and_kept(self, ctx, cast):
        key = feeds.feed_url_key(cast.member)
        assert len(key) >= 40 and feeds.feed_url_key(cast.member) == key

    def test_replacing_the_link_retires_the_old_one(self, client, cast):
        old = _path(cast.member)
        feeds.rotate(cast.member)
        new = _path(cast.member)
        assert new != old
        assert client.get(old).status_code == 404 and client.get(new).status_code == 200

    def test_an_unknown_key_is_a_404(self, client, ctx):
        assert client.get("/calendar/nope.ics").status_code == 404
        assert client.get(f"/calendar/{'A' * 43}.ics").status_code == 404
        assert client.get(f"/calendar/{'A' * 300}.ics").status_code == 404

    def test_it_is_utf8_icalendar_kept_privately_and_sets_no_cookie(self, client, cast):
        response = client.get(_path(cast.member))
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert response.headers["Cache-Control"] == "private, max-age=300"
        assert "Set-Cookie" not in response.headers
        assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in response.data and b"X-PUBLISHED-TTL:PT1H" in response.data


class TestGroupFeed:
    def test_a_public_groups_feed_lists_its_outings_at_their_first_meeting_point(self, client, cast, route):
        event = _outing(cast, route_id=route.id, lat=30.2, lon=120.1, timezone="Asia/Shanghai")
        meeting_points.add(event.id, cast.organiser, {"name": "Late stop", "lat": 30.28, "lon": 120.1})
        meeting_points.add(event.id, cast.organiser, {"name": "Early stop", "lat": 30.21, "lon": 120.1})
        bare = _outing(cast)
        events.cancel_event(bare.id, cast.organiser)
        response = client.get(f"/groups/{cast.group.id}/calendar.ics")
        assert response.status_code == 200 and response.mimetype == "text/calendar"
        calendar = Calendar.from_ical(response.data)
        assert str(calendar["x-wr-calname"]) == f"{cast.group.name} outings"
        items = {str(item["uid"]): item for item in calendar.walk("VEVENT")}
        first = items[f"event-{event.id}@planner"]
        assert str(first["location"]).startswith("Early stop") and _geo(first) == (30.21, 120.1)
        assert str(first["description"]) == "Bring water."
        cancelled = items[f"event-{bare.id}@planner"]
        assert str(cancelled["status"]) == "CANCELLED" and _geo(cancelled) == (52.5, 13.4)

    def test_private_and_unknown_groups_have_none(self, client, private_cast):
        _outing(private_cast)
        assert client.get(f"/groups/{private_cast.group.id}/calendar.ics").status_code == 404
        assert client.get("/groups/999999999/calendar.ics").status_code == 404

    def test_the_group_page_links_to_it_for_public_groups_only(self, client, cast, private_cast):
        assert f'href="/groups/{cast.group.id}/calendar.ics"' in client.get(f"/groups/{cast.group.id}").text
        login(client, private_cast.member)
        assert "calendar.ics" not in client.get(f"/groups/{private_cast.group.id}").text


class TestApi:
    def test_both_need_a_token(self, client, ctx):
        assert client.get("/api/v1/me/calendar-feed").status_code == 401
        assert client.post("/api/v1/me/calendar-feed/rotate").status_code == 401

    def test_the_url_works_and_rotating_replaces_it(self, client, cast):
        event = _outing(cast)
        headers = bearer(cast.organiser)
        url = client.get("/api/v1/me/calendar-feed", headers=headers).get_json()["url"]
        assert url.startswith(client.application.config["BASE_URL"] + "/calendar/")
        assert client.get("/api/v1/me/calendar-feed", headers=headers).get_json() == {"url": url}
        item = _fetch(client, urlsplit(url).path).walk("VEVENT")[0]
        assert str(item["uid"]) == f"event-{event.id}@planner"
        answer = client.post("/api/v1/me/calendar-feed/rotate", headers=headers)
        assert answer.status_code == 200
        new = answer.get_json()["url"]
        assert new != url and client.get(urlsplit(url).path).status_code == 404
        assert client.get(urlsplit(new).path).status_code == 200


def login(client, user) -> None:
    """Log user in through the form."""
    assert submit(client, "/login", {"email": user.email, "password": factories.PASSWORD}).status_code == 302


class TestPage:
    def test_it_asks_strangers_to_log_in(self, client, ctx):
        response = client.get("/me/calendar")
        assert response.status_code == 302 and "/login" in response.headers["Location"]

    def test_it_shows_the_link_and_replaces_it(self, client, cast):
        login(client, cast.member)
        html = client.get("/me/calendar").text
        url = feeds.feed_url(cast.member.calendar_key, client.application.config["BASE_URL"])
        assert f'value="{url}"' in html and f'href="webcal://{url.split("://", 1)[1]}"' in html
        response = client.post("/me/calendar/rotate", data={"csrf_token": csrf_token(html)}, follow_redirects=True)
        assert "New calendar link made; the old one no longer works." in response.text
        assert url not in response.text and client.get(urlsplit(url).path).status_code == 404

    def test_replacing_needs_the_forms_token(self, client, cast):
        login(client, cast.member)
        client.get("/me/calendar")
        key = cast.member.calendar_key
        assert client.post("/me/calendar/rotate").status_code == 400
        db.session.refresh(cast.member)
        assert cast.member.calendar_key == key
