"""flask seed loads the demo data, and a second run changes nothing."""

from sqlalchemy import func, select, text

from planner.extensions import db
from planner.models import Event, Group, MeetingPoint, Membership, Post, Route, Rsvp, User
from planner.services import seed

MODELS = (User, Group, Membership, Route, Event, MeetingPoint, Rsvp, Post)


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
