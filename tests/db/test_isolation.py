"""Each test's writes vanish with its transaction, even when a request committed them."""

from sqlalchemy import select

from planner.extensions import db
from planner.models import User

EMAIL = "isolation-probe@example.org"


class TestTransactionPerTest:
    def test_1_a_request_commits_a_user(self, client, app):
        response = client.post(
            "/api/v1/users", json={"email": EMAIL, "password": "long enough pw", "display_name": "Probe"}
        )
        assert response.status_code == 201
        with app.app_context():
            assert db.session.scalar(select(User.id).where(User.email == EMAIL)) is not None

    def test_2_the_commit_is_gone_in_the_next_test(self, ctx):
        assert db.session.scalar(select(User.id).where(User.email == EMAIL)) is None
