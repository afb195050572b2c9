"""POST /users and POST /tokens."""

from __future__ import annotations

from flask import current_app, jsonify

from planner.api import bp
from planner.api.auth import bearer_user, token_required
from planner.api.body import json_object
from planner.api.openapi import op
from planner.schemas.accounts import RegisterIn, TokenIn, TokenOut, UserOut
from planner.services import accounts

OPENAPI = {
    "/users": {"post": op("Register an account", 201, 400, 409, 429, body=RegisterIn, out=UserOut)},
    "/tokens": {"post": op("Get a bearer token", 201, 400, 401, 429, body=TokenIn, out=TokenOut)},
    "/users/me": {"get": op("The token owner's account", 200, 401, auth=True, out=UserOut)},
}


@bp.post("/users")
def create_user():
    """Register an account."""
    data = json_object()
    user = accounts.register(data.get("email"), data.get("password"), data.get("display_name"))
    return jsonify(id=user.id, email=user.email, display_name=user.display_name), 201


@bp.post("/tokens")
def create_token():
    """Exchange email and password for a bearer token."""
    data = json_object()
    user = accounts.authenticate(data.get("email"), data.get("password"))
    token, expires_at = accounts.issue_token(user, current_app.config["API_TOKEN_TTL_DAYS"])
    return jsonify(token=token, expires_at=expires_at.isoformat().replace("+00:00", "Z")), 201


@bp.get("/users/me")
@token_required
def me():
    """The account of the token's owner."""
    user = bearer_user()
    assert user is not None  # token_required guarantees a user
    return jsonify(id=user.id, email=user.email, display_name=user.display_name)
