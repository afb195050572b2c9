"""flask seed loads the demo data, and a second run changes nothing."""

import re

from geoalchemy2.shape import to_shape
from pyproj import Geod
from sqlalchemy import func, select, text

from planner.extensions import db
from planner.models import Event, Group, MeetingPoint, Membership, Post, Route, Rsvp, User
from planner.services import seed
from planner.times import in_zone

MODELS = (User, Group, Membership, Route, Event, MeetingPoint, Rsvp, Post)
CHINESE_GROUPS = {"西湖夜跑团": "running", "北京周末徒步": "hiking", "深圳湾骑行": "cycling"}
HAN = re.compile("[\u4e00-\u9fff]")
GEOD = Geod(ellps="WGS84")


def counts() -> dict[str, int]:
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in MODELS}


class TestSeed:
    def test_it_loads_every_kind_of_demo_data(self, runner, app):
        result = runner.invoke(args=["seed"])
        assert result.exit_code == 0, result.output
        with app.app_context():
            loaded = counts()
            interests = set(db.session.scalars(select(Group.interest)))
            future = db.session.scalar(select(func.count(Event.id)).where(Event.starts_at > func.now()))
        assert loaded["Route"] == len(list(seed.SAMPLE_DIR.glob("*.gpx")))
        assert all(n > 0 for n in loaded.values()), loaded
        assert {"hiking", "cycling", "running"} <= interests
        assert future == loaded["Event"]

    def test_a_second_run_changes_nothing(self, runner, app):
        runner.invoke(args=["seed"])
        with app.app_context():
            before = counts()
        result = runner.invoke(args=["seed"])
        assert result.exit_code == 0 and "seed: 0 users, 0 groups, 0 routes" in result.output
        with app.app_context():
            assert counts() == before

    def test_demo_users_can_log_in(self, runner, client):
        runner.invoke(args=["seed"])
        response = client.post(
            "/api/v1/tokens", json={"email": "ana@demo.planner.example", "password": seed.DEMO_PASSWORD}
        )
        assert response.status_code == 201

    def test_the_home_page_lists_the_seeded_outings(self, runner, client):
        runner.invoke(args=["seed"])
        page = client.get("/").get_data(as_text=True)
        assert "West Lake hills" in page and "Round the lake to Rapperswil" in page
        assert "Tiergarten figure of eight" not in page  # private group

    def test_members_are_told_of_the_demo_outings(self, runner, app):
        runner.invoke(args=["seed"])
        with app.app_context():
            fan_outs = db.session.scalar(
                text("SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'planner.jobs.fan_out'")
            )
            assert fan_outs == counts()["Event"]


class TestChineseDemoData:
    def test_each_chinese_group_has_an_outing_route_meeting_points_and_thread_in_chinese(self, runner, app):
        runner.invoke(args=["seed"])
        with app.app_context():
            for name, interest in CHINESE_GROUPS.items():
                group = db.session.scalar(select(Group).where(Group.name == name))
                assert group.interest == interest and HAN.search(group.description)
                (event,) = db.session.scalars(select(Event).where(Event.group_id == group.id))
                demo = next(d for d in seed.GROUPS if d.name == name)
                local = in_zone(event.starts_at, event.timezone)
                assert event.timezone == "Asia/Shanghai" and (local.weekday(), local.hour, local.minute) == (
                    demo.weekday,
                    demo.hour,
                    demo.minute,
                )
                assert (
                    HAN.search(event.title) and HAN.search(event.description) and "We follow" not in event.description
                )
                route = db.session.get(Route, event.route_id)
                assert HAN.search(route.name) and route.point_count >= 300 and route.activity == interest
                assert route.waypoints and all(HAN.search(w["name"]) for w in route.waypoints)
                self._check_meeting_points(event, route)
                posts = list(db.session.scalars(select(Post).where(Post.event_id == event.id).order_by(Post.id)))
                assert len(posts) >= 3 and all(HAN.search(p.body_md) for p in posts)
                assert all(p.parent_id == posts[0].id for p in posts[1:])

    def _check_meeting_points(self, event, route) -> None:
        """Chinese-named meeting points where the route's waypoint of the same name is, with someone joining there."""
        marks = {w["name"]: (w["lat"], w["lon"]) for w in route.waypoints}
        points = list(db.session.scalars(select(MeetingPoint).where(MeetingPoint.event_id == event.id)))
        assert len(points) == 2 and all(p.meet_at is not None and HAN.search(p.notes) for p in points)
        for point in points:
            where = to_shape(point.point)
            lat, lon = marks[point.name]
            assert GEOD.inv(lon, lat, where.x, where.y)[2] < 100, point.name
        joining = db.session.scalars(select(Rsvp.meeting_point_id).where(Rsvp.event_id == event.id)).all()
        assert set(joining) - {None} <= {p.id for p in points} and len(set(joining) - {None}) == 1

    def test_chinese_named_demo_users_can_log_in(self, runner, client, app):
        runner.invoke(args=["seed"])
        for key, name in (("wangfang", "王芳"), ("lilei", "李雷")):
            email = f"{key}@demo.planner.example"
            response = client.post("/api/v1/tokens", json={"email": email, "password": seed.DEMO_PASSWORD})
            assert response.status_code == 201
            with app.app_context():
                assert db.session.scalar(select(User.display_name).where(User.email == email)) == name

    def test_the_home_page_lists_the_chinese_outings_beside_the_english_ones(self, runner, client):
        runner.invoke(args=["seed"])
        page = client.get("/").get_data(as_text=True)
        for demo in seed.GROUPS[-3:]:
            assert demo.title in page
        assert "West Lake hills" in page
