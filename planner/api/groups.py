"""API: groups — create, read, edit, join, leave, members, approvals and roles (see docs/api.md)."""

from __future__ import annotations

from flask import jsonify

from planner.api import bp
from planner.api.auth import bearer_user, token_required
from planner.api.body import json_object
from planner.api.openapi import ID, USER_ID, op
from planner.schemas.groups import GroupIn, GroupOut, GroupPatch, JoinOut, LeaveOut, MembershipOut, MembersOut, RoleIn
from planner.services import access, groups

OPENAPI = {
    "/groups": {
        "post": op("Create a group; the caller becomes its owner", 201, 400, 401, body=GroupIn, out=GroupOut, auth=True)
    },
    "/groups/{id}": {
        "get": op(
            "A group (404 for private groups the caller is not an active member of)",
            200,
            404,
            params=[ID],
            out=GroupOut,
        ),
        "patch": op(
            "Edit a group (owner, organisers)",
            200,
            400,
            401,
            403,
            404,
            body=GroupPatch,
            out=GroupOut,
            auth=True,
            params=[ID],
        ),
    },
    "/groups/{id}/join": {
        "post": op(
            "Join: member at once, or pending for private groups", 200, 401, 404, out=JoinOut, auth=True, params=[ID]
        )
    },
    "/groups/{id}/leave": {
        "post": op("Leave a group (the owner cannot)", 200, 401, 404, 409, out=LeaveOut, auth=True, params=[ID])
    },
    "/groups/{id}/members": {
        "get": op("Active members; pending requests for organisers", 200, 404, out=MembersOut, params=[ID])
    },
    "/groups/{id}/members/{user_id}/approve": {
        "post": op(
            "Accept a pending request (owner, organisers)",
            200,
            401,
            403,
            404,
            out=MembershipOut,
            auth=True,
            params=[ID, USER_ID],
        )
    },
    "/groups/{id}/members/{user_id}": {
        "patch": op(
            "Set a member's role: organiser, member, or owner to hand over (owner only)",
            200,
            400,
            401,
            403,
            404,
            409,
            body=RoleIn,
            out=MembershipOut,
            auth=True,
            params=[ID, USER_ID],
        ),
        "delete": op(
            "Turn down a request or remove a member (owner, organisers)",
            204,
            401,
            403,
            404,
            409,
            auth=True,
            params=[ID, USER_ID],
        ),
    },
}


@bp.post("/groups")
@token_required
def create_group():
    """Create a group; the caller becomes its owner."""
    group = groups.create_group(bearer_user(), json_object())
    return jsonify(groups.group_dict(group, bearer_user())), 201


@bp.get("/groups/<int:group_id>")
def get_group(group_id: int):
    """One group."""
    return jsonify(groups.group_dict(access.visible_group(group_id, bearer_user()), bearer_user()))


@bp.patch("/groups/<int:group_id>")
@token_required
def patch_group(group_id: int):
    """Edit a group."""
    group = groups.update_group(group_id, bearer_user(), json_object())
    return jsonify(groups.group_dict(group, bearer_user()))


@bp.post("/groups/<int:group_id>/join")
@token_required
def join_group(group_id: int):
    """Join a group."""
    return jsonify(status=groups.join(group_id, bearer_user()))


@bp.post("/groups/<int:group_id>/leave")
@token_required
def leave_group(group_id: int):
    """Leave a group."""
    groups.leave(group_id, bearer_user())
    return jsonify(status="left")


@bp.get("/groups/<int:group_id>/members")
def group_members(group_id: int):
    """The member list."""
    return jsonify(groups.members(group_id, bearer_user()))


@bp.post("/groups/<int:group_id>/members/<int:user_id>/approve")
@token_required
def approve_member(group_id: int, user_id: int):
    """Accept a pending request."""
    row = groups.approve(group_id, bearer_user(), user_id)
    return jsonify(user_id=row.user_id, role=row.role, status=row.status)


@bp.patch("/groups/<int:group_id>/members/<int:user_id>")
@token_required
def set_member_role(group_id: int, user_id: int):
    """Promote, demote or hand over ownership."""
    row = groups.set_role(group_id, bearer_user(), user_id, json_object().get("role"))
    return jsonify(user_id=row.user_id, role=row.role, status=row.status)


@bp.delete("/groups/<int:group_id>/members/<int:user_id>")
@token_required
def remove_member(group_id: int, user_id: int):
    """Turn down a request or remove a member."""
    groups.remove_member(group_id, bearer_user(), user_id)
    return "", 204
