"""GET /developers: the OpenAPI document rendered as a page (server-side, no script), for people reading the API."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from planner.api.openapi import spec

bp = Blueprint("api_docs", __name__)

METHOD_ORDER = ("get", "post", "put", "patch", "delete")


def type_text(schema: dict | None) -> str:
    """A short human reading of a JSON schema: a component name, a type, a list, a choice or a union."""
    if not schema:
        return "any"
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[1]
    if "enum" in schema:
        return " | ".join(f'"{value}"' for value in schema["enum"])
    if "const" in schema:
        return f'"{schema["const"]}"'
    if "anyOf" in schema:
        return " | ".join(type_text(option) for option in schema["anyOf"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"[{type_text(schema.get('items'))}]"
    if isinstance(kind, list):
        return " | ".join(kind)
    return f"{kind} ({schema['format']})" if "format" in schema else str(kind)


def limits_text(schema: dict) -> str:
    """The constraints of a schema as text (range, length), or ""."""
    options = [schema, *schema.get("anyOf", ())]
    parts = []
    for option in options:
        for key, label in (("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤"), ("exclusiveMaximum", "<")):
            if key in option:
                parts.append(f"{label} {option[key]:g}")
        if "maxLength" in option:
            parts.append(f"{option.get('minLength', 0)}–{option['maxLength']} characters")
    return ", ".join(parts)


def _fields(schema: dict) -> list[dict]:
    """The properties of an object schema as rows for the page."""
    required = set(schema.get("required", ()))
    return [
        {
            "name": name,
            "type": type_text(prop),
            "limits": limits_text(prop),
            "required": name in required,
            "description": prop.get("description", ""),
            "default": prop.get("default"),
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def _operation(path: str, method: str, operation: dict[str, Any]) -> dict:
    """One operation as plain data for the template."""
    body = operation.get("requestBody", {}).get("content", {})
    return {
        "anchor": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", "").replace(".", "-"),
        "method": method.upper(),
        "path": path,
        "summary": operation.get("summary", ""),
        "description": operation.get("description", ""),
        "auth": bool(operation.get("security")),
        "parameters": [
            {**p, "type": type_text(p["schema"]), "limits": limits_text(p["schema"])}
            for p in operation.get("parameters", ())
        ],
        "bodies": [{"media": media, "type": type_text(content.get("schema"))} for media, content in body.items()],
        "responses": [
            {
                "status": status,
                "description": answer.get("description", ""),
                "bodies": [
                    {"media": media, "type": type_text(content.get("schema"))}
                    for media, content in answer.get("content", {}).items()
                ],
            }
            for status, answer in operation["responses"].items()
        ],
    }


def page_data(document: dict) -> dict:
    """The document as the page shows it: operations in path order, then every component schema."""
    operations = [
        _operation(path, method, item[method])
        for path, item in document["paths"].items()
        for method in METHOD_ORDER
        if method in item
    ]
    schemas = [
        {
            "name": name,
            "description": schema.get("description", ""),
            "type": type_text(schema),
            "fields": _fields(schema),
        }
        for name, schema in document["components"]["schemas"].items()
    ]
    return {
        "info": document["info"],
        "server": document["servers"][0]["url"],
        "operations": operations,
        "schemas": schemas,
    }


@bp.get("/developers")
def developers():
    """The API reference page, rendered from the same document as /api/v1/openapi.json."""
    return render_template("developers.html", **page_data(spec()))
