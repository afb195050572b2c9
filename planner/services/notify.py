"""Who is told what: each change becomes one notification per person it concerns (docs/notifications.md).

A service that changes something calls `changed(...)` before its commit; that queues a fan-out job in the same
transaction. The job inserts one row per person with a key unique per person, so a retried or doubled job
inserts nothing new, and never a row for the person who made the change. Reminders and weekly digests are
found by periodic jobs from what is in the database when they run, so a cancelled outing or a withdrawn RSVP
gets none.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from sqlalchemy import text

from planner.extensions import db
from planner.models import Event, Group, MeetingPoint, Post, User
from planner.services import queue
from planner.times import clock_text, iso_utc, local_text


@dataclass(frozen=True)
class Rule:
    """A change's notification kind, who hears of it (an AUDIENCES name) and the thread to link to."""

    kind: str
    audience: str


RULES: dict[str, Rule] = {
    "outing_created": Rule("new_outing", "members_every"),
    "outing_changed": Rule("outing_changed", "rsvps"),
    "outing_cancelled": Rule("outing_cancelled", "rsvps"),
    "meeting_point_changed": Rule("meeting_point_changed", "listed"),
    "waitlist_promoted": Rule("waitlist_promoted", "listed"),
    "join_requested": Rule("join_request", "group_staff"),
    "join_approved": Rule("join_approved", "listed"),
    "post_replied": Rule("post_reply", "listed"),
    "thread_posted": Rule("thread_post", "going_but_listed"),
}

# Each audience is a SELECT of user_id, given the change's fields as parameters.
AUDIENCES = {
    "members_every": """
        SELECT m.user_id FROM memberships m
        LEFT JOIN group_notification_settings g ON g.user_id = m.user_id AND g.group_id = m.group_id
        WHERE m.group_id = :group_id AND m.status = 'active' AND coalesce(g.new_outings, 'every') = 'every'""",
    "rsvps": "SELECT user_id FROM rsvps WHERE event_id = :event_id AND status IN ('going', 'waitlisted')",
    "listed": "SELECT unnest(CAST(:user_ids AS integer[])) AS user_id",
    "group_staff": """
        SELECT user_id FROM memberships
        WHERE group_id = :group_id AND status = 'active' AND role IN ('owner', 'organiser')""",
    "going_but_listed": """
        SELECT user_id FROM rsvps WHERE event_id = :event_id AND status = 'going'
        AND user_id <> ALL(CAST(:user_ids AS integer[]))""",
}

# The channel a person chose for a kind: "email" (the default), "app" or "off"; {"all": "app"} stops e-mail.
_CHANNEL = """CASE WHEN coalesce(s.channels->>CAST(:kind AS text), 'email') = 'off' THEN 'off'
                   WHEN s.channels->>'all' = 'app' THEN 'app'
                   ELSE coalesce(s.channels->>CAST(:kind AS text), 'email') END"""

# A thread sends at most one e-mail per person per hour; the other posts are in the app only.
_THREAD_MAILED_RECENTLY = """EXISTS (
    SELECT 1 FROM notifications n WHERE n.user_id = a.user_id AND n.kind = 'thread_post'
    AND n.event_id = CAST(:event_id AS integer) AND n.email_status IN ('pending', 'sent')
    AND n.created_at > now() - interval '1 hour')"""

_INSERT = """
INSERT INTO notifications (user_id, kind, key, params, url, event_id, group_id, email_status)
SELECT a.user_id, CAST(:kind AS text), CAST(:key AS text), CAST(:params AS jsonb), CAST(:url AS text),
       CAST(:event_id AS integer), CAST(:group_id AS integer),
       CASE WHEN {channel} = 'email' AND NOT {throttled} THEN 'pending' ELSE 'none' END
FROM ({audience}) a
LEFT JOIN notification_settings s ON s.user_id = a.user_id
WHERE a.user_id IS DISTINCT FROM CAST(:actor_id AS integer) AND {channel} <> 'off'
ON CONFLICT (user_id, key) DO NOTHING
RETURNING email_status
"""


def changed(change: str, *, actor_id: int | None, url: str, **fields) -> None:
    """Queue the telling of change (a RULES name) in the current transaction; fields describe it for the text."""
    if change not in RULES:
        raise ValueError(f"unknown change {change!r}")
    payload = {"change": change, "stamp": uuid.uuid4().hex, "actor_id": actor_id, "url": url, **fields}
    queue.defer("fan_out", change=payload)


def insert(kind: str, audience: str, key: str, params: dict, **fields) -> list[str]:
    """Insert kind for each person of audience who has not got key yet; returns the new rows' e-mail states."""
    throttled = _THREAD_MAILED_RECENTLY if kind == "thread_post" else "false"
    sql = _INSERT.format(channel=_CHANNEL, throttled=throttled, audience=AUDIENCES[audience])
    bound = {
        "kind": kind,
        "key": key,
        "params": json.dumps(params),
        "url": fields["url"],
        "event_id": fields.get("event_id"),
        "group_id": fields.get("group_id"),
        "actor_id": fields.get("actor_id"),
        "user_ids": fields.get("user_ids", []),
    }
    return list(db.session.execute(text(sql), bound).scalars())


def commit(statuses: list[str]) -> int:
    """Queue a mail delivery if any new row waits for e-mail, then commit; returns how many rows are new."""
    if "pending" in statuses:
        queue.defer("deliver_mail")
    db.session.commit()
    return len(statuses)


def fan_out(change: dict) -> int:
    """Insert the notifications of one queued change (once, however often it runs); returns how many are new."""
    rule = RULES[change["change"]]
    params = {key: value for key, value in change.items() if key not in ("stamp", "user_ids", "url")}
    key = f"{change['change']}:{change['stamp']}"
    return commit(insert(rule.kind, rule.audience, key, params, **change))


def _outing(event: Event) -> dict:
    """The fields of an outing that its notifications show."""
    return {
        "event_id": event.id,
        "group_id": event.group_id,
        "title": event.title,
        "starts_at": iso_utc(event.starts_at),
        "timezone": event.timezone,
        "when": local_text(event.starts_at, event.timezone),
    }


def point_label(point: MeetingPoint, event: Event) -> dict:
    """A meeting point as its notifications show it: {name, meet_at, label: "Lake break, 12:00"}."""
    label = point.name
    if point.meet_at is not None:
        label += f", {clock_text(point.meet_at, event.timezone, event.starts_at)}"
    return {"name": point.name, "meet_at": iso_utc(point.meet_at), "label": label}


def outing_created(event: Event, actor_id: int) -> None:
    """Tell the group's members (those who want every new outing) about a new outing."""
    changed(
        "outing_created", actor_id=actor_id, url=f"/events/{event.id}", group_name=event.group.name, **_outing(event)
    )


def outing_changed(event: Event, actor_id: int, what: list[str]) -> None:
    """Tell those going or waitlisted that an outing's time, start or route changed."""
    changed("outing_changed", actor_id=actor_id, url=f"/events/{event.id}", what=what, **_outing(event))


def outing_cancelled(event: Event, actor_id: int) -> None:
    """Tell those going or waitlisted that an outing is cancelled."""
    changed("outing_cancelled", actor_id=actor_id, url=f"/events/{event.id}", **_outing(event))


def waitlist_promoted(event: Event, user_ids: list[int]) -> None:
    """Tell people moved up from the waitlist that they are going."""
    if user_ids:
        changed("waitlist_promoted", actor_id=None, url=f"/events/{event.id}", user_ids=user_ids, **_outing(event))


def meeting_point_changed(event: Event, actor_id: int, user_ids: list[int], old: dict, new: dict | None) -> None:
    """Tell those who picked a meeting point that it moved (old and new place and time) or was removed."""
    if not user_ids:
        return
    where = f"at the start, {clock_text(event.starts_at, event.timezone, event.starts_at)}"
    changed(
        "meeting_point_changed",
        actor_id=actor_id,
        url=f"/events/{event.id}",
        user_ids=user_ids,
        old=old,
        new=new,
        where=where,
        **_outing(event),
    )


def join_requested(group: Group, user: User) -> None:
    """Tell a private group's owner and organisers that someone asks to join."""
    changed(
        "join_requested",
        actor_id=user.id,
        url=f"/groups/{group.id}/members",
        group_id=group.id,
        group_name=group.name,
        name=user.display_name,
    )


def join_approved(group: Group, user_id: int, actor_id: int) -> None:
    """Tell someone their request to join a group was approved."""
    changed(
        "join_approved",
        actor_id=actor_id,
        url=f"/groups/{group.id}",
        user_ids=[user_id],
        group_id=group.id,
        group_name=group.name,
    )


def post_created(post: Post, author: User, thread: str, parent_author_id: int | None) -> None:
    """Tell the author of the post replied to, and (on an outing's thread) the others going to the outing."""
    url = (f"/events/{post.event_id}" if post.event_id else f"/groups/{post.group_id}") + f"#post-{post.id}"
    fields = {"author": author.display_name, "thread": thread, "event_id": post.event_id, "group_id": post.group_id}
    listed = [parent_author_id] if parent_author_id is not None else []
    if listed:
        changed("post_replied", actor_id=author.id, url=url, user_ids=listed, **fields)
    if post.event_id is not None:
        changed("thread_posted", actor_id=author.id, url=url, user_ids=listed, **fields)
