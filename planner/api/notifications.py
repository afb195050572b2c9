"""The token owner's notifications (pages, marking read) and notification settings."""

from __future__ import annotations

from flask import jsonify, request

from planner.api import bp
from planner.api.auth import bearer_user, token_required
from planner.api.body import json_object
from planner.api.openapi import op
from planner.schemas.notifications import InboxQuery, NotificationPage, ReadIn, SettingsIn, SettingsOut, UnreadOut
from planner.services import inbox

KINDS_TEXT = "; ".join(f"{kind}: {label}" for kind, label in inbox.KIND_LABELS.items())

OPENAPI = {
    "/me/notifications": {
        "get": op(
            "Your notifications, newest first, 20 a page, with how many are unread",
            200,
            400,
            401,
            query=InboxQuery,
            out=NotificationPage,
            auth=True,
            description=f"Kinds: {KINDS_TEXT}.",
        ),
    },
    "/me/notifications/read": {
        "post": op(
            "Mark some of your notifications read ({ids: [...]}; others' and unknown ids are ignored) or all of them "
            "({all: true}); answers how many stay unread",
            200,
            400,
            401,
            body=ReadIn,
            out=UnreadOut,
            auth=True,
        ),
    },
    "/me/notification-settings": {
        "get": op("Your notification settings, defaults filled in", 200, 401, out=SettingsOut, auth=True),
        "put": op(
            "Change any of your notification settings: a channel per kind (email = in the app and by e-mail, app = "
            "in the app only, off), email_all, reminder offsets in hours, new outings per group (every, digest, off)",
            200,
            400,
            401,
            body=SettingsIn,
            out=SettingsOut,
            auth=True,
            description=f"Kinds: {KINDS_TEXT}. A group must be one you are an active member of.",
        ),
    },
}


@bp.get("/me/notifications")
@token_required
def list_notifications():
    """One page of the token owner's notifications."""
    return jsonify(inbox.page_of(bearer_user(), request.args.get("page")))


@bp.post("/me/notifications/read")
@token_required
def read_notifications():
    """Mark notifications read; answers the unread count."""
    return jsonify(inbox.mark_read(bearer_user(), json_object()))


@bp.get("/me/notification-settings")
@token_required
def notification_settings():
    """The token owner's notification settings."""
    return jsonify(inbox.settings(bearer_user()))


@bp.put("/me/notification-settings")
@token_required
def update_notification_settings():
    """Change some of the token owner's notification settings."""
    return jsonify(inbox.update_settings(bearer_user(), json_object()))
