"""Bad input to any community JSON endpoint is a 4xx with the error shape, never a 500, and writes nothing."""

import pytest

from tests.community.test_permissions import TABLE, actor, build_world, snapshot

HOSTILE_BODIES = [
    [],
    "text",
    12,
    {"name": "\x00", "body": "\x00", "title": "\x00", "lat": "\x00"},
    {"lat": True, "lon": None, "capacity": True, "starts_at": 5, "role": ["owner"]},
    {
        "starts_at": "9999-12-31T23:59:59-14:00",
        "ends_at": "0001-01-01T00:00:00+14:00",
        "meet_at": "0001-01-01T00:00:00+14:00",
    },
    {"lat": "nan", "lon": "inf", "route_id": 1.5, "meeting_point_id": "1; drop", "parent_id": -1, "page": "x"},
    {"capacity": 10**30, "route_id": 10**30, "meeting_point_id": 10**30, "parent_id": 10**30},
]
JSON_ROWS = [row for row in TABLE if row.channel == "API" and row.method in ("POST", "PATCH", "PUT")]


class TestHostileBodies:
    @pytest.mark.parametrize("row", JSON_ROWS, ids=[f"{r.method} {r.path}" for r in JSON_ROWS])
    def test_the_owner_gets_a_4xx_never_a_500(self, app, ctx, row):
        from planner.services import accounts

        world = build_world("public")
        headers = {"Authorization": f"Bearer {accounts.issue_token(actor(world, 'owner'), 1)[0]}"}
        client = app.test_client()
        for body in HOSTILE_BODIES:
            before = snapshot()
            response = client.open(row.path.format(**world["ids"]), method=row.method, headers=headers, json=body)
            if response.status_code < 300:
                continue  # endpoints without a body (join, rsvp, …) accept anything they ignore
            assert 400 <= response.status_code < 500, (body, response.get_data(as_text=True)[:200])
            assert set(response.get_json()["error"]) == {"code", "message", "field"}
            assert snapshot() == before, body


class TestHugeIds:
    @pytest.mark.parametrize(
        "url",
        [
            "/api/v1/groups/{n}",
            "/api/v1/events/{n}",
            "/api/v1/events/{n}.ics",
            "/api/v1/events/{n}/posts",
            "/api/v1/groups/{n}/events",
            "/groups/{n}",
            "/events/{n}",
        ],
    )
    def test_ids_beyond_the_column_range_are_404(self, client, ctx, url):
        assert client.get(url.format(n=10**20)).status_code == 404

    def test_member_ids_beyond_the_range_are_404(self, app, ctx):
        from planner.services import accounts

        world = build_world("public")
        headers = {"Authorization": f"Bearer {accounts.issue_token(actor(world, 'owner'), 1)[0]}"}
        url = f"/api/v1/groups/{world['ids']['group']}/members/{10**20}"
        assert app.test_client().delete(url, headers=headers).status_code == 404
