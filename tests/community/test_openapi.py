"""Every community API route is described in /api/v1/openapi.json with its methods."""

import re

MODULES = {"planner.api.groups", "planner.api.events", "planner.api.meeting_points", "planner.api.posts"}


class TestOpenApi:
    def test_every_community_route_and_method_is_in_the_spec(self, app, client):
        paths = client.get("/api/v1/openapi.json").get_json()["paths"]
        for rule in app.url_map.iter_rules():
            if app.view_functions[rule.endpoint].__module__ not in MODULES:
                continue
            path = re.sub(
                r"<int:(\w+)>",
                lambda m: "{user_id}" if m.group(1) == "user_id" else "{id}",
                rule.rule.removeprefix("/api/v1"),
            )
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert method.lower() in paths.get(path, {}), f"{method} {path}"
