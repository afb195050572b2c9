"""API: discussion threads of events and groups (see docs/api.md)."""

from __future__ import annotations

from flask import jsonify, request

from planner.api import bp
from planner.api.auth import bearer_user, token_required
from planner.api.body import json_object
from planner.api.openapi import ID, op
from planner.schemas.discussion import PageQuery, PostIn, PostOut, PostPatch, ThreadPage
from planner.services import discussion

OPENAPI = {
    f"/{kind}s/{{id}}/posts": {
        "get": op(
            f"A page of the {kind}'s thread: top-level posts with their replies",
            200,
            400,
            404,
            query=PageQuery,
            out=ThreadPage,
            params=[ID],
        ),
        "post": op(
            "Post or reply (Markdown; members of the group)",
            201,
            400,
            401,
            403,
            404,
            429,
            body=PostIn,
            out=PostOut,
            auth=True,
            params=[ID],
        ),
    }
    for kind in ("event", "group")
}
OPENAPI["/posts/{id}"] = {
    "patch": op(
        "Edit your post (marked edited)", 200, 400, 401, 403, 404, body=PostPatch, out=PostOut, auth=True, params=[ID]
    ),
    "delete": op(
        "Delete a post (author, or the group's organisers); replies stay", 204, 401, 403, 404, auth=True, params=[ID]
    ),
}


def _list(kind: str, thread_id: int):
    """One page of a thread."""
    return jsonify(discussion.list_posts(kind, thread_id, bearer_user(), request.args.get("page")))


def _create(kind: str, thread_id: int):
    """A new post on a thread."""
    data = json_object()
    post = discussion.create_post(kind, thread_id, bearer_user(), data.get("body"), data.get("parent_id"))
    return jsonify(discussion.post_dict(post)), 201


@bp.get("/events/<int:event_id>/posts")
def event_posts(event_id: int):
    """An event's thread."""
    return _list("event", event_id)


@bp.get("/groups/<int:group_id>/posts")
def group_posts(group_id: int):
    """A group's thread."""
    return _list("group", group_id)


@bp.post("/events/<int:event_id>/posts")
@token_required
def create_event_post(event_id: int):
    """Post on an event's thread."""
    return _create("event", event_id)


@bp.post("/groups/<int:group_id>/posts")
@token_required
def create_group_post(group_id: int):
    """Post on a group's thread."""
    return _create("group", group_id)


@bp.patch("/posts/<int:post_id>")
@token_required
def edit_post(post_id: int):
    """Edit a post."""
    post = discussion.edit_post(post_id, bearer_user(), json_object().get("body"))
    return jsonify(discussion.post_dict(post))


@bp.delete("/posts/<int:post_id>")
@token_required
def delete_post(post_id: int):
    """Delete a post (tombstone)."""
    discussion.delete_post(post_id, bearer_user())
    return "", 204
