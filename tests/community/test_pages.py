"""The group and outing pages, and the web forms for groups, RSVPs, meeting points and posts."""

import html
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from planner.extensions import db
from planner.models import Group, Post
from planner.services import discussion, groups, meeting_points, rsvp
from planner.times import iso_utc, local_text
from planner.web.filters import zone_at
from tests import factories
from tests.web.helpers import submit


def login(client, user) -> None:
    response = submit(client, "/login", {"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302


class TestGroupPages:
    def test_creating_a_group_from_the_form(self, client, ctx):
        user = factories.user()
        login(client, user)
        response = submit(
            client,
            "/groups/new",
            {
                "name": "Web hikers",
                "interest": "hiking",
                "description": "",
                "visibility": "private",
                "lat": "30.2",
                "lon": "120.1",
            },
        )
        group = db.session.scalar(select(Group).where(Group.name == "Web hikers"))
        assert response.status_code == 302 and response.location.endswith(f"/groups/{group.id}")
        assert group.visibility == "private"

    def test_a_bad_form_shows_the_error_and_writes_nothing(self, client, ctx):
        login(client, factories.user())
        response = submit(
            client,
            "/groups/new",
            {
                "name": "Lost",
                "interest": "hiking",
                "description": "",
                "visibility": "public",
                "lat": "123",
                "lon": "120",
            },
        )
        assert response.status_code == 400 and "lat" in response.get_data(as_text=True)
        assert db.session.scalar(select(Group).where(Group.name == "Lost")) is None

    def test_the_group_page_shows_outings_map_and_board(self, client, cast):
        factories.event(cast.group, title="Ridge walk")
        discussion.create_post("group", cast.group.id, cast.member, "**Welcome** all")
        html = client.get(f"/groups/{cast.group.id}").get_data(as_text=True)
        assert "Ridge walk" in html and "<strong>Welcome</strong>" in html
        assert 'class="folium-map"' in html or "L.map" in html

    def test_a_private_group_page_is_404_to_outsiders(self, client, private_cast):
        assert client.get(f"/groups/{private_cast.group.id}").status_code == 404
        login(client, private_cast.outsider)
        assert client.get(f"/groups/{private_cast.group.id}").status_code == 404

    def test_organisers_approve_requests_on_the_members_page(self, client, private_cast):
        from tests.community.conftest import add_member

        add_member(private_cast.group, private_cast.outsider, status="pending")
        login(client, private_cast.organiser)
        url = f"/groups/{private_cast.group.id}/members"
        assert "Nico" in client.get(url).get_data(as_text=True)
        response = submit(client, f"{url}/{private_cast.outsider.id}/approve", {}, page=url)
        assert response.status_code == 302
        assert client.get(f"/groups/{private_cast.group.id}").status_code == 200

    def test_the_owner_sees_no_leave_button(self, client, cast):
        login(client, cast.owner)
        assert "Leave group" not in client.get(f"/groups/{cast.group.id}").get_data(as_text=True)


class TestEventPage:
    def test_it_shows_route_stats_profile_meeting_points_and_rsvp(self, client, cast, route):
        event = factories.event(cast.group, route_id=route.id, capacity=3)
        meeting_points.add(event.id, cast.owner, {"name": "Old bridge", "lat": 30.25, "lon": 120.1})
        rsvp.rsvp(event.id, cast.member)
        login(client, cast.outsider)
        html = client.get(f"/events/{event.id}").get_data(as_text=True)
        assert "Old bridge" in html and "1. Old bridge" in html
        assert "<b>2</b> spots left" in html and "I'm going" in html
        assert "11.1 km" in html and "<svg" in html
        assert "Who is going" not in html  # not a member yet
        assert "Suggested places" not in html
        assert "place_picker.js" not in html

    def test_members_see_who_is_going_and_organisers_get_the_map_form(self, client, cast, route):
        event = factories.event(cast.group, route_id=route.id)
        point = meeting_points.add(event.id, cast.owner, {"name": "Gate", "lat": 30.21, "lon": 120.1})
        rsvp.rsvp(event.id, cast.member, point.id)
        login(client, cast.organiser)
        html = client.get(f"/events/{event.id}").get_data(as_text=True)
        assert "Who is going" in html and "Mia" in html
        assert "1 meeting here" in html and "Suggested places" in html
        assert 'src="/static/js/place_picker.js" defer' in html
        map_name = re.search(r'data-map-target="([^"]+)"', html).group(1)
        assert re.search(rf"var {map_name} = L\.map", html)

    def test_rsvp_and_cancel_through_the_page(self, client, cast):
        event = factories.event(cast.group, capacity=1)
        rsvp.rsvp(event.id, cast.member)
        login(client, cast.outsider)
        url = f"/events/{event.id}"
        response = submit(client, f"{url}/rsvp", {"meeting_point_id": ""}, page=url)
        assert response.status_code == 302
        page = html.unescape(client.get(url).get_data(as_text=True))
        assert '<p class="flash info">You\'re on the waitlist: number 1; if a place frees up, meet at the start' in page
        assert '<p class="my-state waitlisted">You\'re on the waitlist: number 1;' in page
        submit(client, f"{url}/rsvp/cancel", {}, page=url)
        assert rsvp.my_rsvp(event.id, cast.outsider) is None
        page = html.unescape(client.get(url).get_data(as_text=True))
        assert "You're no longer going" in page and "my-state" not in page

    def test_adding_a_meeting_point_by_place_name(self, client, cast):
        event = factories.event(cast.group)
        login(client, cast.organiser)
        url = f"/events/{event.id}"
        submit(
            client,
            f"{url}/meeting-points",
            {"name": "Station", "lat": "", "lon": "", "place": "Hangzhou", "meet_at": "", "notes": "By the clock"},
            page=url,
        )
        assert [p.name for p in meeting_points.ordered(event.id)] == ["Station"]


class TestMyState:
    def test_the_page_says_where_and_when_you_join_and_preselects_it(self, client, cast):
        start = datetime(2030, 5, 1, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
        event = factories.event(cast.group, starts_at=start, ends_at=start + timedelta(hours=6))
        lake = meeting_points.add(
            event.id, cast.owner, {"name": "Lake break", "lat": 30.26, "lon": 120.16, "meet_at": "2030-05-01T12:00"}
        )
        login(client, cast.member)
        url = f"/events/{event.id}"
        submit(client, f"{url}/rsvp", {"meeting_point_id": str(lake.id)}, page=url)
        page = html.unescape(client.get(url).get_data(as_text=True))
        assert '<p class="flash success">You\'re going: meet at Lake break, 12:00</p>' in page
        assert '<p class="my-state going">You\'re going: meet at Lake break, 12:00</p>' in page
        assert re.search(rf'<option selected value="{lake.id}">', page)
        assert "Update my meeting point" in page
        submit(client, f"{url}/rsvp", {"meeting_point_id": ""}, page=url)
        page = html.unescape(client.get(url).get_data(as_text=True))
        assert '<p class="my-state going">You\'re going: meet at the start, 09:00</p>' in page
        assert '<option selected value="">At the start</option>' in page

    def test_who_is_going_is_grouped_by_meeting_point(self, client, cast):
        event = factories.event(cast.group)
        lake = meeting_points.add(event.id, cast.owner, {"name": "Lake break", "lat": 30.26, "lon": 120.16})
        rsvp.rsvp(event.id, cast.organiser)
        rsvp.rsvp(event.id, cast.member, lake.id)
        login(client, cast.member)
        page = client.get(f"/events/{event.id}").get_data(as_text=True)
        section = page[page.index('aria-label="Who is going"') :]
        start_at, lake_at = section.index("At the start"), section.index("1. Lake break")
        organiser_name, member_name = cast.organiser.display_name, cast.member.display_name
        assert start_at < section.index(organiser_name) < lake_at < section.index(member_name)


class TestPostTimes:
    def _post_hours_ago(self, cast, hours, **thread):
        post = Post(author_id=cast.member.id, body_md="Hi", body_html="<p>Hi</p>", **thread)
        db.session.add(post)
        db.session.flush()
        post.created_at = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=hours)
        db.session.commit()
        return post

    def test_posts_show_a_relative_and_a_zoned_time_never_raw_utc(self, client, cast):
        event = factories.event(cast.group)
        post = self._post_hours_ago(cast, 3, event_id=event.id)
        page = client.get(f"/events/{event.id}").get_data(as_text=True)
        shanghai = local_text(post.created_at, "Asia/Shanghai")
        assert f'<time datetime="{iso_utc(post.created_at)}" class="post-time">3 h ago' in page
        assert f'<span class="local-time">{shanghai}</span>' in page and shanghai.endswith("CST")
        assert " UTC<" not in page
        assert 'src="/static/js/local_time.js" defer' in page

    def test_the_tz_cookie_picks_the_viewers_zone_and_a_bad_one_is_ignored(self, client, cast):
        post = self._post_hours_ago(cast, 5, group_id=cast.group.id)
        client.set_cookie("tz", "Europe/Berlin")
        page = client.get(f"/groups/{cast.group.id}").get_data(as_text=True)
        assert f'<span class="local-time">{local_text(post.created_at, "Europe/Berlin")}</span>' in page
        client.set_cookie("tz", "Mars/Olympus<script>")
        page = client.get(f"/groups/{cast.group.id}").get_data(as_text=True)
        home = zone_at(groups.group_dict(cast.group, None))
        assert f'<span class="local-time">{local_text(post.created_at, home)}</span>' in page
        assert "Mars/Olympus" not in page and "5 h ago" in page


class TestThreadForms:
    def test_post_reply_edit_and_delete(self, client, cast):
        event = factories.event(cast.group)
        login(client, cast.member)
        url = f"/events/{event.id}"
        submit(client, f"{url}/posts", {"body": "Who brings *tea*?"}, page=url)
        root = discussion.list_posts("event", event.id, cast.member)["posts"][0]
        submit(client, f"{url}/posts", {"body": "Me", "parent_id": str(root["id"])}, page=url)
        edit_url = f"/posts/{root['id']}/edit"
        assert "Who brings *tea*?" in client.get(edit_url).get_data(as_text=True)
        assert submit(client, edit_url, {"body": "Who brings coffee?"}).status_code == 302
        html = client.get(url).get_data(as_text=True)
        assert "Who brings coffee?" in html and "edited" in html and 'class="post depth-1"' in html
        submit(client, f"/posts/{root['id']}/delete", {}, page=url)
        html = client.get(url).get_data(as_text=True)
        assert "This post was deleted." in html and "<p>Me</p>" in html


class TestHomeAreaPage:
    def test_opting_in_and_out(self, client, ctx):
        user = factories.user()
        login(client, user)
        submit(client, "/me/home-area", {"lat": "30.2345", "lon": "120.1789"})
        assert "<b>sharing</b>" in client.get("/me/home-area").get_data(as_text=True)
        submit(client, "/me/home-area", {"action": "forget"})
        assert "<b>not sharing</b>" in client.get("/me/home-area").get_data(as_text=True)
