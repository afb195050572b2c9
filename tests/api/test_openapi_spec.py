"""/api/v1/openapi.json is generated from the schemas: valid OpenAPI 3.1, every route in it, real schemas everywhere."""

from __future__ import annotations

import re

from openapi_spec_validator import validate

JSON = "application/json"


def _document(client) -> dict:
    """The served document."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def _operations(document: dict):
    """(path, method, operation) for every operation."""
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


class TestOpenApiDocument:
    def test_it_validates_as_openapi_3_1(self, client):
        document = _document(client)
        assert document["openapi"].startswith("3.1")
        validate(document)

    def test_every_api_route_and_method_is_documented(self, app, client):
        paths = _document(client)["paths"]
        for rule in app.url_map.iter_rules():
            if not rule.rule.startswith("/api/v1/") or rule.endpoint == "api.openapi_json":
                continue
            path = re.sub(r"<int:id>|<int:\w+_id>", "{id}", rule.rule.removeprefix("/api/v1"))
            path = path.replace("/members/{id}", "/members/{user_id}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert method.lower() in paths.get(path, {}), f"{method} {path}"

    def test_json_bodies_and_answers_have_real_schemas(self, client):
        document = _document(client)
        components = document["components"]["schemas"]
        for path, method, operation in _operations(document):
            content = operation.get("requestBody", {}).get("content", {})
            for media, body in content.items():
                ref = body["schema"]["$ref"].rsplit("/", 1)[1]
                assert components[ref].get("properties"), (method, path, media)
            for status, answer in operation["responses"].items():
                schema = answer.get("content", {}).get(JSON, {}).get("schema")
                if status.startswith(("4", "5")):
                    assert schema == {"$ref": "#/components/schemas/Error"}, (method, path, status)
                elif schema is not None:
                    assert "$ref" in schema, (method, path, status)

    def test_query_parameters_carry_their_constraints(self, client):
        document = _document(client)
        params = {p["name"]: p for p in document["paths"]["/events/nearby"]["get"]["parameters"]}
        assert params["lat"]["required"] and params["lat"]["schema"]["maximum"] == 90
        assert params["radius_km"]["schema"]["minimum"] == 0.001
        assert params["limit"]["schema"]["maximum"] == 100
        assert {"from", "to", "has_spots", "activity", "offset"} <= set(params)

    def test_lists_of_places_are_geojson_feature_collections(self, client):
        document = _document(client)
        components = document["components"]["schemas"]
        answer = document["paths"]["/groups/nearby"]["get"]["responses"]["200"]["content"][JSON]["schema"]
        collection = components[answer["$ref"].rsplit("/", 1)[1]]
        assert collection["properties"]["type"]["const"] == "FeatureCollection"
        feature = components[collection["properties"]["features"]["items"]["$ref"].rsplit("/", 1)[1]]
        props = components[feature["properties"]["properties"]["$ref"].rsplit("/", 1)[1]]
        assert {"id", "distance_m", "member_count"} <= set(props["properties"])


class TestDevelopersPage:
    def test_it_lists_every_operation_from_the_document(self, client):
        document = _document(client)
        response = client.get("/developers")
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        for path, method, _operation in _operations(document):
            assert f"<code>{path}</code>" in html and f"method-{method}" in html, (method, path)
        assert 'id="schema-Error"' in html and 'id="schema-EventIn"' in html

    def test_it_runs_no_script_of_its_own_and_loads_nothing_from_elsewhere(self, client):
        response = client.get("/developers")
        html = response.get_data(as_text=True)
        scripts = re.findall(r"<script[^>]*>", re.sub(r' nonce="[^"]+"', "", html))
        # the site header's menu and the scripts' messages (data, never run) only
        assert scripts == [
            '<script type="application/json" id="planner-messages">',
            '<script src="/static/js/i18n.js" defer>',
            '<script src="/static/js/menu.js" defer>',
        ], scripts
        assert "<style" not in html and " style=" not in html
        assert not re.search(r'(src|href)="(https?:)?//', html)
        assert "nonce-" in response.headers["Content-Security-Policy"]

    def test_every_page_links_to_it(self, client):
        assert 'href="/developers"' in client.get("/explore").get_data(as_text=True)
