"""GET /openapi.json: the API described as OpenAPI 3.1, built from small path tables."""

from __future__ import annotations

from flask import jsonify

from planner.api import bp

ERROR = {"$ref": "#/components/schemas/Error"}


def op(summary: str, ok: int, *errors: int, body: str | None = None, auth: bool = False, params=()) -> dict:
    """One operation object with its responses."""
    responses = {str(ok): {"description": "Success"}}
    for status in errors:
        responses[str(status)] = {"description": "Error", "content": {"application/json": {"schema": ERROR}}}
    operation: dict = {"summary": summary, "responses": responses}
    if body:
        operation["requestBody"] = {"required": True, "content": {body: {"schema": {"type": "object"}}}}
    if auth:
        operation["security"] = [{"bearer": []}]
    if params:
        operation["parameters"] = [
            {"name": name, "in": where, "required": where == "path", "schema": {"type": kind}}
            for name, where, kind in params
        ]
    return operation


ID = ("id", "path", "integer")  # the common path parameter, for op(..., params=[ID])


def all_paths() -> dict[str, dict]:
    """Every module's OPENAPI paths merged."""
    from planner.api import MODULES

    paths: dict[str, dict] = {}
    for module in MODULES:
        for path, operations in module.OPENAPI.items():
            paths.setdefault(path, {}).update(operations)
    return paths


def spec() -> dict:
    """The whole OpenAPI document."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "planner API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "paths": all_paths(),
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
