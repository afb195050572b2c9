"""Stopping e-mail without logging in: signed tokens naming a person and a kind (or "all"), and applying them.

A token is `URLSafeSerializer(SECRET_KEY, salt="unsubscribe")` of [user id, kind or "all"]; it never expires
(RFC 8058 links must keep working) and can only move e-mail to in-app, so a leaked token stops some e-mail at
worst. Unsubscribing sets the person's channel for the kind to "app" (they still see it in the app), or
channels["all"] = "app" for all e-mail; a kind switched "off" stays off.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select, text

from planner.errors import N_, NotFound, ServiceError
from planner.extensions import db
from planner.models import NotificationSettings, User

SALT = "unsubscribe"
ALL = "all"

# What the e-mails of each kind are about, finishing "You will no longer get e-mails about ..." (in the reader's
# language when shown).
ABOUT = {
    "new_outing": _l("new outings in your groups"),
    "outing_digest": _l("the weekly digests of new outings"),
    "outing_changed": _l("changes to outings you're going to"),
    "outing_cancelled": _l("cancelled outings"),
    "meeting_point_changed": _l("changes to your meeting points"),
    "waitlist_promoted": _l("moving up from a waitlist"),
    "reminder": _l("reminders before your outings"),
    "join_request": _l("requests to join your groups"),
    "join_approved": _l("your approved requests to join groups"),
    "post_reply": _l("replies to your posts"),
    "thread_post": _l("new posts on outings you're going to"),
    ALL: _l("anything: no more e-mail from planner"),
}

BAD_TOKEN = N_(
    "This unsubscribe link is not valid: it may have been cut short or changed. Use the whole link from the "
    "e-mail, or change your notification settings after logging in."
)

_APPLY = """
INSERT INTO notification_settings (user_id, channels) VALUES (:user_id, jsonb_build_object(CAST(:key AS text), 'app'))
ON CONFLICT (user_id) DO UPDATE SET channels = notification_settings.channels || jsonb_build_object(
    CAST(:key AS text),
    CASE WHEN notification_settings.channels->>CAST(:key AS text) = 'off' THEN 'off' ELSE 'app' END)
"""


@dataclass(frozen=True)
class Ticket:
    """What a valid token names: the person and the kind ("all" for every e-mail)."""

    user: User
    kind: str


def _serializer(secret_key: str) -> URLSafeSerializer:
    """The signer of unsubscribe tokens."""
    return URLSafeSerializer(secret_key, salt=SALT)


def token(secret_key: str, user_id: int, kind: str) -> str:
    """The token that stops user_id's e-mails of kind ("all": every e-mail)."""
    if kind not in ABOUT:
        raise ValueError(f"unknown kind {kind!r}")
    return _serializer(secret_key).dumps([user_id, kind])


def _payload(value: str) -> tuple[int, str]:
    """The (user id, kind) a token signed by this app carries; a 400 for anything else."""
    try:
        payload = _serializer(current_app.config["SECRET_KEY"]).loads(value)
    except BadSignature:
        raise ServiceError("bad_token", BAD_TOKEN, "token") from None
    match payload:
        case [int(user_id), str(kind)] if not isinstance(user_id, bool) and kind in ABOUT:
            return user_id, kind
    raise ServiceError("bad_token", BAD_TOKEN, "token")


def read(value: str) -> Ticket:
    """The person and kind a token names: 400 if this app did not sign it, 404 if the account is gone."""
    user_id, kind = _payload(value)
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("user_not_found", N_("The account this link was sent to no longer exists."))
    return Ticket(user, kind)


def scope_of(ticket: Ticket, scope: str | None) -> str:
    """The kind to stop for a form's scope field: "all", or (missing, "kind") the token's own kind."""
    if scope in (None, "", "kind"):
        return ticket.kind
    if scope == ALL:
        return ALL
    raise ServiceError("invalid_scope", N_("scope must be kind (these e-mails) or all (every e-mail)."), "scope")


def emailing(ticket: Ticket) -> dict[str, bool]:
    """Whether the person still gets e-mail of the token's kind, and any e-mail at all."""
    settings = db.session.scalar(select(NotificationSettings).where(NotificationSettings.user_id == ticket.user.id))
    channels = settings.channels if settings is not None else {}
    any_email = channels.get(ALL) != "app"
    kind_email = any_email and (ticket.kind == ALL or channels.get(ticket.kind, "email") == "email")
    return {"kind": kind_email, ALL: any_email}


def apply(ticket: Ticket, kind: str) -> None:
    """Stop the e-mails of kind ("all": every e-mail) for the ticket's person, keeping them in the app."""
    if kind not in ABOUT:
        raise ServiceError("invalid_scope", N_("There are no such e-mails to stop."), "scope")
    db.session.execute(text(_APPLY), {"user_id": ticket.user.id, "key": kind})
    db.session.commit()
