"""Typed input and output shapes per resource (pydantic 2); pure: no flask, no db. The OpenAPI document is built
from them, and services validate through them whether a request came from the API or a web form."""

from planner.schemas.common import Body, Out, Query, parse, parse_query

__all__ = ["Body", "Out", "Query", "parse", "parse_query"]
