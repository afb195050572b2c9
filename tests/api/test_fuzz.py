"""Schemathesis fuzzes every operation of /api/v1/openapi.json against the live app, with a real bearer token.

The app is served by werkzeug on 127.0.0.1 from a thread, on a database of its own; a group, a route, an outing,
a meeting point, a post, a privacy zone and a series are seeded through the API so that half of the generated cases use ids
that exist. Every answer must be declared by the document (status, content type, body schema) and none may be 5xx.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import requests
import schemathesis
from flask_migrate import upgrade
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.serving import make_server

from planner.extensions import db
from tests.conftest import MIGRATIONS, ROOT, database_url_for, drop_database, make_app, recreate_database

EXAMPLES_PER_OPERATION = 50
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
GPX = ROOT / "sample_routes" / "berlin-tiergarten-run.gpx"
PASSWORD = "fuzz-password-1"


@dataclass
class Live:
    """The served API: its base URL, a bearer token and the seeded ids by path kind."""

    api: str
    token: str
    ids: dict[str, int]


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    """The app on its own database, served on 127.0.0.1 from a thread, with one of everything seeded."""
    url = database_url_for("fuzz")
    recreate_database(url)
    app = make_app(url)
    with app.app_context():
        upgrade(directory=MIGRATIONS)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per fuzzed request is noise
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        api = f"http://127.0.0.1:{server.server_port}/api/v1"
        yield _seed(api)
    finally:
        server.shutdown()
        thread.join(5)
        with app.app_context():
            db.engine.dispose()
        drop_database(url)


def _post(api: str, path: str, token: str | None = None, **kwargs) -> dict:
    """POST to the API; the JSON answer, checked to be a success."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = requests.post(api + path, headers=headers, timeout=30, **kwargs)
    assert response.status_code < 300, (path, response.text[:300])
    return response.json()


def _token(api: str, email: str) -> str:
    """A registered user's bearer token."""
    _post(api, "/users", json={"email": email, "password": PASSWORD, "display_name": email.split("@")[0]})
    return _post(api, "/tokens", json={"email": email, "password": PASSWORD})["token"]


def _seed(api: str) -> Live:
    """An owner with a group, a route, an outing on it, a meeting point, a post and a privacy zone; a member."""
    token = _token(api, "owner@fuzz.example")
    member_token = _token(api, "member@fuzz.example")
    group = _post(api, "/groups", token, json={"name": "Fuzzers", "interest": "running", "lat": 52.51, "lon": 13.37})
    _post(api, f"/groups/{group['id']}/join", member_token)
    with GPX.open("rb") as gpx:
        route = _post(api, "/routes", token, files={"file": gpx}, data={"activity": "running"})
    event = _post(
        api,
        f"/groups/{group['id']}/events",
        token,
        json={
            "title": "Fuzz run",
            "starts_at": "2031-06-01T08:00:00+02:00",
            "ends_at": "2031-06-01T10:00:00+02:00",
            "capacity": 5,
            "route_id": route["id"],
        },
    )
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)
    series_first = _post(
        api,
        f"/groups/{group['id']}/events",
        token,
        json={
            "title": "Weekly fuzz run",
            "starts_at": soon.isoformat(),
            "ends_at": (soon + timedelta(hours=2)).isoformat(),
            "capacity": 5,
            "lat": 52.51,
            "lon": 13.37,
            "recurrence": {"rrule": "FREQ=WEEKLY;COUNT=4"},
        },
    )
    point = _post(
        api, f"/events/{event['id']}/meeting-points", token, json={"name": "Gate", "lat": 52.51, "lon": 13.37}
    )
    post = _post(api, f"/events/{event['id']}/posts", token, json={"body": "Bring water"})
    zone = _post(api, "/me/privacy-zones", token, json={"lat": 52.52, "lon": 13.40, "radius_m": 300})
    member = requests.get(f"{api}/users/me", headers={"Authorization": f"Bearer {member_token}"}, timeout=30).json()
    ids = {
        "groups": group["id"],
        "events": event["id"],
        "routes": route["id"],
        "meeting-points": point["id"],
        "posts": post["id"],
        "privacy-zones": zone["id"],
        "series": series_first["series_id"],
        "user_id": member["id"],
    }
    return Live(api, token, ids)


def _known_ids(path: str, ids: dict[str, int]) -> dict[str, int]:
    """Path parameters of path filled with seeded ids: {id} by the collection before it, {user_id} by the member."""
    parts = path.strip("/").split("/")
    known = {}
    if "{id}" in path:
        collection = parts[parts.index(next(p for p in parts if p.startswith("{id}"))) - 1]
        known["id"] = ids[collection]
    if "{user_id}" in path:
        known["user_id"] = ids["user_id"]
    return known


def _order(operation) -> tuple[int, str]:
    """Reads first, then writes, deletions last (so seeded rows live as long as possible)."""
    rank = {"GET": 0, "PUT": 1, "PATCH": 1, "POST": 2, "DELETE": 3}[operation.method.upper()]
    return rank, operation.label


def _fuzz(operation, live: Live, cases: dict[str, int]) -> None:
    """Run EXAMPLES_PER_OPERATION cases of one operation through CHECKS: valid input with random and with seeded
    ids, and input that breaks the schema (with seeded ids, so it reaches the validation rather than a 404)."""
    headers = {"Authorization": f"Bearer {live.token}"}
    known = _known_ids(operation.path, live.ids)
    strategy = st.one_of(
        operation.as_strategy(),
        operation.as_strategy(path_parameters=known),
        operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=known),
    )

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def fuzz(case):
        cases[operation.label] = cases.get(operation.label, 0) + 1
        response = case.call(base_url=live.api, headers=headers, timeout=30)
        case.validate_response(response, checks=CHECKS)

    fuzz()


class TestFuzz:
    def test_every_operation_answers_as_documented_and_never_5xx(self, live):
        schema = schemathesis.openapi.from_url(f"{live.api}/openapi.json")
        operations = sorted((result.ok() for result in schema.get_all_operations()), key=_order)
        cases: dict[str, int] = {}
        failures: list[str] = []
        for operation in operations:
            try:
                _fuzz(operation, live, cases)
            except (Exception, BaseExceptionGroup) as error:  # every operation's failures, not just the first
                failures.append(f"{operation.label}: {error}")
        print(f"schemathesis: {len(cases)} operations, {sum(cases.values())} cases")
        assert not failures, "\n\n".join(failures)
        assert len(cases) == len(operations) >= 30
