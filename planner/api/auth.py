"""Bearer-token authentication for the API."""

from __future__ import annotations

from functools import wraps

from flask import request

from planner.errors import N_, Unauthorized
from planner.i18n import API_USER_KEY
from planner.models import User
from planner.services import accounts


def bearer_user() -> User | None:
    """The user of the request's bearer token, or None when there is no valid token."""
    cache = request.environ  # per request (g outlives a request when a test shares one app context)
    if API_USER_KEY not in cache:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        cache[API_USER_KEY] = accounts.user_for_token(token.strip()) if scheme.lower() == "bearer" else None
    return cache[API_USER_KEY]


def token_required(view):
    """Decorator: 401 unless the request carries a live bearer token."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if bearer_user() is None:
            raise Unauthorized("unauthorized", N_("Send a valid token: Authorization: Bearer <token>."))
        return view(*args, **kwargs)

    return wrapper
