"""API endpoints: groups (see shared/API.md)."""
from planner.api import bp  # noqa: F401

OPENAPI: dict[str, dict] = {}
