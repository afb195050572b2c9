"""Each test's writes vanish with its transaction, even when a request committed them.

One test runs the per-test machinery twice itself, so it proves this in any order and when run alone
(it used to be two tests, the second passing vacuously unless the first had run just before it).
"""

import uuid

from sqlalchemy import delete, select

from planner.extensions import db
from planner.models import User
from tests import factories
from tests.conftest import rolled_back_connection
from tests.web.helpers import submit


def committed_user_ids(app, email: str) -> list[int]:
    """Ids of users with email, as a connection of its own sees the committed database."""
    with app.app_context(), db.engines[None].connect() as conn:
        return list(conn.scalars(select(User.id).where(User.email == email)))


class TestTransactionPerTest:
    def test_a_committed_request_leaves_nothing_behind(self, app):
        email = f"isolation-{uuid.uuid4().hex}@example.org"
        with rolled_back_connection(app):
            response = app.test_client().post(
                "/api/v1/users", json={"email": email, "password": "long enough pw", "display_name": "Probe"}
            )
            assert response.status_code == 201
            with app.app_context():  # a new session: the request's commit, not its session cache, is seen
                assert db.session.scalar(select(User.id).where(User.email == email)) is not None
        leaked = committed_user_ids(app, email)
        if leaked:  # keep a broken set-up from poisoning the tests that follow
            with app.app_context(), db.engines[None].begin() as conn:
                conn.execute(delete(User).where(User.email == email))
        assert leaked == []


class TestRequestsInOneTest:
    def test_a_log_in_stays_with_its_own_client(self, app, client):
        user = factories.user()
        assert submit(client, "/login", {"email": user.email, "password": factories.PASSWORD}).status_code == 302
        assert client.get("/login").status_code == 302  # logged in: the log-in page sends you home
        assert app.test_client().get("/login").status_code == 200  # another browser is nobody
