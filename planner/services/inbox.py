"""A person's notifications in the app (pages, unread count, marking read) and their notification settings."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import SQLAlchemyError

from planner.errors import N_, NotFound, ServiceError
from planner.extensions import db
from planner.models import Group, GroupNotificationSetting, Membership, Notification, NotificationSettings, User
from planner.models.notification import DEFAULT_REMINDER_OFFSETS_H
from planner.schemas import parse, parse_query
from planner.schemas.notifications import (
    CHANNELS,
    GROUP_CHOICES,
    KINDS,
    MAX_NOTIFICATION_ID,
    InboxQuery,
    ReadIn,
    SettingsIn,
)
from planner.services import access
from planner.services.notify_text import text_of
from planner.times import iso_utc

PAGE_SIZE = 20
INBOX_URL = "/me/notifications"

# What each kind is about, as the settings page and the API's documentation name it.
KIND_LABELS = {
    "new_outing": _l("New outings in your groups"),
    "outing_digest": _l("Weekly digest of new outings"),
    "outing_changed": _l("Changes to outings you're going to"),
    "outing_cancelled": _l("Cancelled outings you're going to"),
    "meeting_point_changed": _l("Your meeting point moved or was removed"),
    "waitlist_promoted": _l("A place freed up for you on the waitlist"),
    "reminder": _l("Reminders before outings you're going to"),
    "join_request": _l("Requests to join groups you run"),
    "join_approved": _l("Your request to join a group was approved"),
    "post_reply": _l("Replies to your posts"),
    "thread_post": _l("New posts on outings you're going to"),
}
CHANNEL_LABELS = {"email": _l("E-mail and in app"), "app": _l("In app only"), "off": _l("Off")}
GROUP_CHOICE_LABELS = {"every": _l("Every outing"), "digest": _l("Weekly digest"), "off": _l("Nothing")}
UNKNOWN_KIND = _l("Notification")  # the label of a kind this version does not know

log = logging.getLogger(__name__)


def text_for(row: Notification) -> str:
    """The sentence of a notification; a plain one naming its kind if its params do not fit (never an error)."""
    try:
        return text_of(row.kind, row.params)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        log.exception("notification %s: params do not fit its kind %s", row.id, row.kind)
        return _("%(label)s.", label=KIND_LABELS.get(row.kind, UNKNOWN_KIND))


def local_path(url: str) -> str:
    """url when it is a path on this site ("/..."), else the inbox (a notification never sends anyone away)."""
    if url.startswith("/") and not url.startswith("//") and "\\" not in url and not any(c.isspace() for c in url):
        return url
    return INBOX_URL


def notification_dict(row: Notification) -> dict:
    """The API's notification object."""
    return {
        "id": row.id,
        "kind": row.kind,
        "created_at": iso_utc(row.created_at),
        "read": row.read_at is not None,
        "text": text_for(row),
        "url": local_path(row.url),
        "event_id": row.event_id,
        "group_id": row.group_id,
    }


def unread_count(user_id: int, cap: int | None = None) -> int:
    """How many of the person's notifications are unread (one count on a partial index); at most cap if given."""
    unread = select(Notification.id).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if cap is not None:
        unread = unread.limit(cap)
    return db.session.scalar(select(func.count()).select_from(unread.subquery())) or 0


def bell_count(user_id: int, cap: int) -> int:
    """unread_count for the header of every page: 0 rather than an error when the database cannot answer (so an
    error page still renders)."""
    try:
        return unread_count(user_id, cap)
    except SQLAlchemyError:
        log.warning("the unread count failed; the bell shows none", exc_info=True)
        return 0


def page_of(user: User | None, page=None) -> dict:
    """{page, items, next_page, unread}: one page of the person's notifications, newest first; 400 for a bad page."""
    user = access.require_user(user)
    number = parse_query(InboxQuery, {} if page is None else {"page": page}).page
    rows = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.id.desc())
        .offset((number - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    ).all()
    return {
        "page": number,
        "items": [notification_dict(row) for row in rows[:PAGE_SIZE]],
        "next_page": number + 1 if len(rows) > PAGE_SIZE else None,
        "unread": unread_count(user.id),
    }


def mark_read(user: User | None, data: Mapping) -> dict:
    """Mark {ids: [...]} or {all: true} of the person's notifications read; others' and unknown ids are ignored.
    Returns {unread}."""
    user = access.require_user(user)
    fields = parse(ReadIn, data)
    if fields.all or fields.ids:
        mine = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
        if not fields.all:
            mine = mine.where(Notification.id.in_(fields.ids or []))
        db.session.execute(mine.values(read_at=func.now()))
        db.session.commit()
    return {"unread": unread_count(user.id)}


def open_notification(user: User | None, notification_id: int) -> str:
    """Mark one of the person's notifications read and return the local path it is about; 404 for anyone else's."""
    user = access.require_user(user)
    row = db.session.get(Notification, notification_id) if 1 <= notification_id <= MAX_NOTIFICATION_ID else None
    if row is None or row.user_id != user.id:
        raise NotFound("not_found", N_("No such notification."))
    if row.read_at is None:
        row.read_at = func.now()
        db.session.commit()
    return local_path(row.url)


def settings(user: User | None) -> dict:
    """The person's settings with the defaults filled in: every kind's channel, email_all, the reminder offsets,
    and each group they are an active member of with its name and new-outings choice."""
    user = access.require_user(user)
    row = db.session.get(NotificationSettings, user.id)
    stored = row.channels if row is not None and isinstance(row.channels, dict) else {}
    offsets = list(row.reminder_offsets_h) if row is not None else list(DEFAULT_REMINDER_OFFSETS_H)
    return {
        "channels": {kind: stored[kind] if stored.get(kind) in CHANNELS else "email" for kind in KINDS},
        "email_all": stored.get("all") != "app",
        "reminder_offsets_h": sorted(offsets, reverse=True),
        "groups": _group_settings(user.id),
    }


def _group_settings(user_id: int) -> list[dict]:
    """[{group_id, name, new_outings}] for the groups user_id is an active member of, by name."""
    rows = db.session.execute(
        select(Group.id, Group.name, GroupNotificationSetting.new_outings)
        .join(Membership, Membership.group_id == Group.id)
        .outerjoin(
            GroupNotificationSetting,
            and_(GroupNotificationSetting.group_id == Group.id, GroupNotificationSetting.user_id == user_id),
        )
        .where(Membership.user_id == user_id, Membership.status == "active")
        .order_by(func.lower(Group.name), Group.id)
    ).all()
    return [
        {"group_id": gid, "name": name, "new_outings": choice if choice in GROUP_CHOICES else "every"}
        for gid, name, choice in rows
    ]


def update_settings(user: User | None, data: Mapping) -> dict:
    """Change any subset of the person's settings (SettingsIn); 400 naming the field and nothing written on bad
    input, including a group they are not an active member of. Returns the settings as settings() does."""
    user = access.require_user(user)
    fields = parse(SettingsIn, data)
    viewer = access.viewer(user)
    for choice in fields.groups or ():
        if not viewer.is_member(choice.group_id):
            raise ServiceError(
                "invalid_field", N_("You are not a member of group %(group_id)s."), "groups", group_id=choice.group_id
            )
    if fields.channels is not None or fields.email_all is not None or fields.reminder_offsets_h is not None:
        _write_personal(user.id, fields)
    for choice in fields.groups or ():
        _write_group(user.id, choice.group_id, choice.new_outings)
    db.session.commit()
    return settings(user)


def _write_personal(user_id: int, fields: SettingsIn) -> None:
    """Store the channels, email_all and reminder offsets given (the row made first if missing, then locked)."""
    db.session.execute(insert(NotificationSettings).values(user_id=user_id).on_conflict_do_nothing())
    row = db.session.get(NotificationSettings, user_id, with_for_update=True, populate_existing=True)
    assert row is not None  # inserted above or already there
    channels = dict(row.channels or {})
    given = fields.channels.model_dump(exclude_none=True) if fields.channels is not None else {}
    for kind, channel in given.items():
        if channel == "email":
            channels.pop(kind, None)  # only the kinds changed from the default are kept
        else:
            channels[kind] = channel
    if fields.email_all is not None:
        if fields.email_all:
            channels.pop("all", None)
        else:
            channels["all"] = "app"
    row.channels = channels
    if fields.reminder_offsets_h is not None:
        row.reminder_offsets_h = sorted(fields.reminder_offsets_h, reverse=True)


def _write_group(user_id: int, group_id: int, choice: str) -> None:
    """Store how user_id hears of group_id's new outings ("every" is the default: no row)."""
    if choice == "every":
        db.session.execute(
            delete(GroupNotificationSetting).where(
                GroupNotificationSetting.user_id == user_id, GroupNotificationSetting.group_id == group_id
            )
        )
        return
    upsert = insert(GroupNotificationSetting).values(user_id=user_id, group_id=group_id, new_outings=choice)
    db.session.execute(
        upsert.on_conflict_do_update(index_elements=["user_id", "group_id"], set_={"new_outings": choice})
    )
