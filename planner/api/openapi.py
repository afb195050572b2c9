"""GET /openapi.json: the API as OpenAPI 3.1, generated from each module's operation table and the pydantic schemas."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import jsonify
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from planner.api import bp
from planner.schemas.common import MAX_ID, Error

JSON = "application/json"
REF = "#/components/schemas/{model}"
STATUS_TEXT = {
    200: "OK",
    201: "Created",
    204: "No content",
    400: "Bad input: the error names the field",
    401: "No or bad bearer token",
    403: "Not allowed",
    404: "No such object (or not visible to you)",
    409: "Conflicts with the current state",
    413: "Too large",
    429: "Rate limited",
}


@dataclass(frozen=True)
class Operation:
    """One operation: its summary, input models, success answer and error statuses."""

    summary: str
    ok: int
    out: type[BaseModel] | None = None
    errors: tuple[int, ...] = ()
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    auth: bool = False
    params: tuple[str, ...] = ()
    media: str = JSON
    body_media: str = JSON
    body_required: bool = True
    description: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def op(summary: str, ok: int, *errors: int, **details: Any) -> Operation:
    """An Operation; details are Operation's keyword fields (out, body, query, auth, params, media, ...)."""
    params = details.pop("params", ())
    return Operation(summary, ok, errors=tuple(errors), params=tuple(params), **details)


ID = "id"  # the common path parameter, for op(..., params=[ID])
USER_ID = "user_id"


def all_paths() -> dict[str, dict[str, Operation]]:
    """Every module's OPENAPI table merged: path -> method -> Operation."""
    from planner.api import MODULES  # the modules import this one to declare their tables

    paths: dict[str, dict[str, Operation]] = {}
    for module in MODULES:
        for path, operations in module.OPENAPI.items():
            paths.setdefault(path, {}).update(operations)
    return paths


Schemas = dict[tuple[type[BaseModel], JsonSchemaMode], dict]


def _models(paths: dict[str, dict[str, Operation]]) -> tuple[Schemas, dict]:
    """JSON schemas (with $refs into components) of every model the operations use, and the components."""
    wanted: set[tuple[type[BaseModel], JsonSchemaMode]] = {(Error, "serialization")}
    for operations in paths.values():
        for operation in operations.values():
            wanted.update((m, "validation") for m in (operation.body, operation.query) if m is not None)
            if operation.out is not None:
                wanted.add((operation.out, "serialization"))
    keyed = sorted(wanted, key=lambda pair: (pair[0].__name__, pair[1]))
    schemas, definitions = models_json_schema(keyed, ref_template=REF)
    return _tidy(schemas), _tidy(definitions.get("$defs", {}))


def _tidy(schema: Any) -> Any:
    """schema without the `default: null` pydantic writes for optional fields whose type does not admit null."""
    if isinstance(schema, list):
        return [_tidy(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    tidy = {key: _tidy(value) for key, value in schema.items()}
    if "default" in tidy and tidy["default"] is None and not _admits_null(tidy):
        del tidy["default"]
    return tidy


def _admits_null(schema: dict) -> bool:
    """Whether a JSON schema (one level of anyOf) allows null."""
    kinds = schema.get("type")
    if kinds == "null" or (isinstance(kinds, list) and "null" in kinds):
        return True
    return any(isinstance(s, dict) and _admits_null(s) for s in schema.get("anyOf", ()))


def _query_schema(prop: dict) -> dict:
    """A query parameter's schema: a parameter is absent rather than null, so the null alternative goes."""
    options = [s for s in prop.get("anyOf", ()) if s.get("type") != "null"]
    if len(options) != 1:
        return prop
    rest = {key: value for key, value in prop.items() if key not in ("anyOf", "default")}
    return {**options[0], **rest, **({"default": prop["default"]} if prop.get("default") is not None else {})}


def _response(status: int, schema: dict | None, media: str) -> dict:
    """One response object."""
    answer: dict = {"description": STATUS_TEXT.get(status, "Answer")}
    if status != 204:
        answer["content"] = {media: {"schema": schema if schema is not None else {}}}
    return answer


def _parameters(operation: Operation, schemas: Schemas, components: dict) -> list[dict]:
    """Path parameters, then the query model's fields, each with its JSON schema."""
    params: list[dict] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}
        for name in operation.params
    ]
    if operation.query is not None:
        schema = components[schemas[(operation.query, "validation")]["$ref"].rsplit("/", 1)[1]]
        required = set(schema.get("required", ()))
        for name, prop in schema["properties"].items():
            entry = {"name": name, "in": "query", "required": name in required, "schema": _query_schema(prop)}
            if "description" in prop:
                entry["description"] = prop["description"]
            params.append(entry)
    return params


def _operation(operation: Operation, schemas: Schemas, components: dict) -> dict:
    """The OpenAPI operation object."""
    out = schemas[(operation.out, "serialization")] if operation.out is not None else None
    responses = {str(operation.ok): _response(operation.ok, out, operation.media)}
    error = schemas[(Error, "serialization")]
    takes_input = operation.body is not None or operation.query is not None
    for status in sorted({*operation.errors, *((400,) if takes_input else ())}):  # input can always be bad
        responses[str(status)] = _response(status, error, JSON)
    result: dict = {"summary": operation.summary, "responses": responses, **operation.extra}
    if operation.description:
        result["description"] = operation.description
    if operation.body is not None:
        body_schema = schemas[(operation.body, "validation")]
        result["requestBody"] = {
            "required": operation.body_required,
            "content": {operation.body_media: {"schema": body_schema}},
        }
    if operation.auth:
        result["security"] = [{"bearer": []}]
    params = _parameters(operation, schemas, components)
    if params:
        result["parameters"] = params
    return result


def _refs(node: Any) -> set[str]:
    """The component names a piece of the document refers to."""
    if isinstance(node, dict):
        found = {node["$ref"].rsplit("/", 1)[1]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_refs(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(item) for item in node))
    return set()


def _used(components: dict, paths: dict) -> dict:
    """The components the paths refer to, directly or through other components."""
    wanted, todo = set(), _refs(paths)
    while todo:
        name = todo.pop()
        if name not in wanted and name in components:
            wanted.add(name)
            todo |= _refs(components[name])
    return {name: components[name] for name in sorted(wanted)}


def spec() -> dict:
    """The whole OpenAPI document."""
    operations = all_paths()
    schemas, components = _models(operations)
    paths = {
        path: {method: _operation(operation, schemas, components) for method, operation in sorted(methods.items())}
        for path, methods in sorted(operations.items())
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "planner API",
            "version": "1",
            "description": "Groups, outings, GPX routes and meeting points. Errors are "
            '{"error": {"code", "message", "field"}}; see docs/api.md.',
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": _used(components, paths),
        },
    }


@bp.get("/openapi.json")
def openapi_json():
    """The OpenAPI document."""
    return jsonify(spec())
