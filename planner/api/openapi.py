"""GET /openapi.json: the API described as OpenAPI 3.1, built from small path tables."""
from __future__ import annotations

from flask import jsonify

from planner.api import bp

ERROR = {"$ref": "#/components/schemas/Error"}


def _op(summary: str, ok: int, *errors: int, body: str | None = None, auth: bool = False, params=()) -> dict:
    """One operation object with its responses."""
    responses = {str(ok): {"description": "Success"}}
    for status in errors:
        responses[str(status)] = {"description": "Error", "content": {"application/json": {"schema": ERROR}}}
    op: dict = {"summary": summary, "responses": responses}
    if body:
        op["requestBody"] = {"required": True, "content": {body: {"schema": {"type": "object"}}}}
    if auth:
        op["security"] = [{"bearer": []}]
    if params:
        op["parameters"] = [
            {"name": name, "in": where, "required": where == "path", "schema": {"type": kind}}
            for name, where, kind in params
        ]
    return op


ID = ("id", "path", "integer")
PATHS: dict[str, dict] = {
    "/users": {"post": _op("Register an account", 201, 400, 409, body="application/json")},
    "/tokens": {"post": _op("Get a bearer token", 201, 400, 401, body="application/json")},
    "/users/me": {"get": _op("The token owner's account", 200, 401, auth=True)},
}


def spec() -> dict:
    """The whole OpenAPI document."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "planner API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "paths": PATHS,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message", "field"],
                            "properties": {
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                                "field": {"type": ["string", "null"]},
                            },
                        }
                    },
                }
            },
        },
    }


@bp.get("/openapi.json")
def openapi_json():
    """The OpenAPI document."""
    return jsonify(spec())
