"""Log-in, token, registration and upload are rate limited: 429 with Retry-After and, on the API, the JSON error shape."""

import pytest

from planner.extensions import limiter
from tests.conftest import make_app


@pytest.fixture
def limited_client(app):
    """A second app on the same test database with rate limits on (only requests that write nothing are sent)."""
    limited = make_app(
        app.config["SQLALCHEMY_DATABASE_URI"],
        RATELIMIT_ENABLED=True,
        WTF_CSRF_ENABLED=False,
        RATE_LIMIT_LOGIN="3 per minute",
        RATE_LIMIT_REGISTER="2 per minute",
    )
    yield limited.test_client()
    # Flask-Limiter keeps its switch and counters per process: turn it back off for the other tests.
    limiter.reset()
    limiter.enabled = False


class TestRateLimits:
    def test_tokens_get_a_json_429_with_retry_after(self, limited_client):
        statuses = [
            limited_client.post("/api/v1/tokens", json={"email": "x@example.org", "password": "wrong pass"})
            for _ in range(4)
        ]
        assert [r.status_code for r in statuses] == [401, 401, 401, 429]
        last = statuses[-1]
        assert last.get_json()["error"]["code"] == "rate_limited"
        assert int(last.headers["Retry-After"]) > 0

    def test_the_login_page_is_limited_on_post_only(self, limited_client):
        for _ in range(3):
            assert limited_client.post("/login", data={"email": "x@example.org", "password": "nope"}).status_code == 400
        assert limited_client.post("/login", data={"email": "x@example.org", "password": "nope"}).status_code == 429
        assert limited_client.get("/login").status_code == 200

    def test_registration_is_limited(self, limited_client):
        codes = [limited_client.post("/api/v1/users", json={"email": "bad"}).status_code for _ in range(3)]
        assert codes == [400, 400, 429]
