"""Discussion threads: post bodies, the page query and the post objects."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from planner.schemas.common import BLANK_IS_NULL, TRIMMED, Body, Id, Out, Query

MAX_BODY_CHARS = 10_000
MAX_PAGE = 100_000


Markdown = Annotated[str, StringConstraints(min_length=1, max_length=MAX_BODY_CHARS), TRIMMED]


class PostIn(Body):
    """POST /events/{id}/posts and /groups/{id}/posts (Markdown)."""

    body: Markdown
    parent_id: Annotated[Id | None, BLANK_IS_NULL] = Field(None, description="the post replied to, on the same thread")


class PostPatch(Body):
    """PATCH /posts/{id}."""

    body: Markdown


class PageQuery(Query):
    """?page= of a thread."""

    page: int = Field(1, ge=1, le=MAX_PAGE)


class Author(Out):
    """Who wrote a post."""

    id: int
    display_name: str


class PostOut(Out):
    """A post; a deleted one shows no author and no text."""

    id: int
    parent_id: int | None
    author: Author | None
    body_html: str
    created_at: str
    edited_at: str | None
    deleted: bool


class ThreadPost(PostOut):
    """A post in a page of a thread, with its reply depth."""

    depth: int


class ThreadPage(Out):
    """One page of top-level posts, each followed by its replies."""

    posts: list[ThreadPost]
    next_page: int | None
