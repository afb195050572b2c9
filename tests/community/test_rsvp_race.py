"""100 RSVPs fired at once from separate connections at an outing with capacity 10: never overbooked."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from planner.extensions import db
from planner.models import Event, Group, Membership, User
from planner.services import accounts
from tests.conftest import MIGRATIONS, database_url_for, drop_database, make_app, recreate_database

RSVP_COUNT = 100
CAPACITY = 10
# Every request on its own connection (the project-local cluster allows 300; an outside server
# given by DATABASE_URL needs max_connections well above 100 for this test).
CONNECTIONS = RSVP_COUNT


@pytest.fixture(scope="module")
def race_app():
    """An app on its own freshly migrated database, with a large connection pool."""
    url = database_url_for("rsvp_race")
    recreate_database(url)
    app = make_app(url, SQLALCHEMY_ENGINE_OPTIONS={"pool_size": CONNECTIONS, "max_overflow": 0, "pool_timeout": 120})
    with app.app_context():
        upgrade(directory=MIGRATIONS)
    yield app
    with app.app_context():
        db.engine.dispose()
    drop_database(url)


def _seed(app) -> tuple[int, list[str]]:
    """A public group's outing with capacity 10, and bearer tokens of RSVP_COUNT people (committed)."""
    with app.app_context():
        owner = User(email="owner@example.org", password_hash="x", display_name="Owner")
        people = [User(email=f"p{i}@example.org", password_hash="x", display_name=f"P{i}") for i in range(RSVP_COUNT)]
        group = Group(name="Racers", interest="hiking", home="SRID=4326;POINT(120.1 30.2)")
        db.session.add_all([owner, *people, group])
        db.session.flush()
        db.session.add(Membership(group_id=group.id, user_id=owner.id, role="owner"))
        starts_at = datetime.now(UTC) + timedelta(days=3)
        event = Event(
            group_id=group.id,
            title="Race",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=3),
            timezone="Asia/Shanghai",
            capacity=CAPACITY,
            activity="hiking",
            start="SRID=4326;POINT(120.1 30.2)",
        )
        db.session.add(event)
        db.session.commit()
        tokens = [accounts.issue_token(person, 1)[0] for person in people]
        return event.id, tokens


class TestRsvpUnderConcurrency:
    def test_capacity_10_and_100_rsvps_at_once(self, race_app):
        event_id, tokens = _seed(race_app)
        barrier = threading.Barrier(RSVP_COUNT)

        def fire(token: str):
            client = race_app.test_client()
            barrier.wait()
            response = client.post(f"/api/v1/events/{event_id}/rsvp", headers={"Authorization": f"Bearer {token}"})
            return response.status_code, response.get_json()

        with ThreadPoolExecutor(max_workers=RSVP_COUNT) as pool:
            answers = list(pool.map(fire, tokens))

        assert [status for status, _ in answers] == [200] * RSVP_COUNT, answers
        assert sum(a["status"] == "going" for _, a in answers) == CAPACITY
        positions = sorted(a["waitlist_position"] for _, a in answers if a["status"] == "waitlisted")
        assert positions == list(range(1, RSVP_COUNT - CAPACITY + 1))
        with race_app.app_context():
            rows = db.session.execute(
                text("SELECT status, count(*) FROM rsvps WHERE event_id = :id GROUP BY status"), {"id": event_id}
            ).all()
            assert dict(rows) == {"going": CAPACITY, "waitlisted": RSVP_COUNT - CAPACITY}
            members = db.session.scalar(text("SELECT count(*) FROM memberships WHERE status = 'active'"))
            assert members == RSVP_COUNT + 1  # everyone who RSVPed joined the public group once
