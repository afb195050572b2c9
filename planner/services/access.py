"""Who may see and change what (the table is docs/permissions.md): the Viewer and every visibility and staff rule.

A Viewer is a user with all their memberships {group_id: (role, status)}, read with one query the
first time a rule needs it and kept in the session's info until the transaction ends (commit or
rollback) or a flush writes a membership, so a membership changed inside a request is seen by every
later check. Every rule raises a ServiceError: 401 anonymous, 403 refused, 404 not visible (a private
group and everything in it does not reveal that it exists).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from planner.errors import N_, Forbidden, NotFound, ServiceError, Unauthorized
from planner.extensions import db
from planner.models import Event, Group, MeetingPoint, Membership, Post, Route, User

STAFF_ROLES = ("owner", "organiser")
MAX_ID = 2**31 - 1  # ids are PostgreSQL integers
_CACHE = "planner.viewers"


@dataclass(frozen=True)
class Viewer:
    """A user (None when anonymous) and their memberships {group_id: (role, status)}."""

    user: User | None
    memberships: Mapping[int, tuple[str, str]] = field(default_factory=dict)

    @property
    def id(self) -> int | None:
        """The user's id, or None when anonymous."""
        return self.user.id if self.user is not None else None

    def role(self, group_id: int) -> str | None:
        """owner/organiser/member when an active member of the group, else None."""
        role, status = self.memberships.get(group_id, (None, None))
        return role if status == "active" else None

    def my_role(self, group_id: int) -> str | None:
        """The role, "pending" for a request waiting for approval, or None."""
        if group_id not in self.memberships:
            return None
        role, status = self.memberships[group_id]
        return role if status == "active" else "pending"

    def is_member(self, group_id: int) -> bool:
        """Whether an active member of the group (any role)."""
        return self.role(group_id) is not None

    def is_staff(self, group_id: int) -> bool:
        """Whether owner or organiser of the group."""
        return self.role(group_id) in STAFF_ROLES


def viewer(user: User | None) -> Viewer:
    """The Viewer of user (anonymous for None), its memberships read once per transaction."""
    if user is None or not user.is_authenticated:
        return Viewer(None)
    return Viewer(user, _memberships(user.id))


def _by_id(user_id: int) -> Viewer:
    """The memberships of user_id as a Viewer without its User (the route rules take viewer ids)."""
    return Viewer(None, _memberships(user_id))


def _memberships(user_id: int) -> Mapping[int, tuple[str, str]]:
    """{group_id: (role, status)} of user_id: one query, then the session's copy until it is forgotten."""
    cache = db.session.info.setdefault(_CACHE, {})
    if user_id not in cache:
        rows = db.session.execute(
            select(Membership.group_id, Membership.role, Membership.status).where(Membership.user_id == user_id)
        ).all()
        cache[user_id] = {group_id: (role, status) for group_id, role, status in rows}
    return cache[user_id]


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, *_args) -> None:
    """Drop the session's Viewers when its transaction ends."""
    session.info.pop(_CACHE, None)


@event.listens_for(Session, "after_flush")
def _forget_on_membership_change(session: Session, _context) -> None:
    """Drop the session's Viewers when a flush wrote a membership."""
    if any(isinstance(row, Membership) for row in (*session.new, *session.dirty, *session.deleted)):
        session.info.pop(_CACHE, None)


def in_id_range(row_id) -> bool:
    """Whether row_id is an int that an integer id column can hold (1..2^31-1)."""
    return isinstance(row_id, int) and not isinstance(row_id, bool) and 1 <= row_id <= MAX_ID


def clean_id(value, field: str) -> int:
    """An id from a request body (a whole number or its digits); 400 naming field otherwise."""
    number = int(value) if isinstance(value, (int, str)) and str(value).isdigit() else None
    if number is None or not in_id_range(number):
        raise ServiceError("invalid_field", N_("'%(field)s' must be an id."), field)
    return number


def get_row(model, row_id):
    """The row of model with this id, or None; ids out of the column's range match nothing (no DB error)."""
    return db.session.get(model, row_id) if in_id_range(row_id) else None


def require_user(user: User | None) -> User:
    """user when logged in, else 401."""
    if user is None or not user.is_authenticated:
        raise Unauthorized("unauthorized", N_("Log in first."))
    return user


def can_view(group: Group, user: User | None) -> bool:
    """Public groups are visible to everyone; private ones to their active members only."""
    return group.visibility == "public" or viewer(user).is_member(group.id)


def is_staff(group_id: int, user: User | None) -> bool:
    """Whether user is owner or organiser of the group."""
    return viewer(user).is_staff(group_id)


def is_member(group_id: int, user: User | None) -> bool:
    """Whether user is an active member of the group (any role)."""
    return viewer(user).is_member(group_id)


def visible_group(group_id: int, user: User | None) -> Group:
    """The group when user may see it; 404 otherwise (private groups do not reveal that they exist)."""
    group = get_row(Group, group_id)
    if group is None or not can_view(group, user):
        raise NotFound("not_found", N_("No such group."))
    return group


def require_member(group: Group, user: User | None) -> User:
    """user when an active member of group (any role); 401 anonymous, 403 otherwise."""
    user = require_user(user)
    if not viewer(user).is_member(group.id):
        raise Forbidden("not_a_member", N_("Join the group first."))
    return user


def require_staff(group: Group, user: User | None) -> User:
    """user when owner or organiser of group; 401 anonymous, 403 otherwise."""
    user = require_user(user)
    if not viewer(user).is_staff(group.id):
        raise Forbidden("organisers_only", N_("Only the group's organisers may do this."))
    return user


def require_owner(group: Group, user: User | None) -> User:
    """user when owner of group; 401 anonymous, 403 otherwise."""
    user = require_user(user)
    if viewer(user).role(group.id) != "owner":
        raise Forbidden("owner_only", N_("Only the group's owner may do this."))
    return user


def staff_group(group_id: int, user: User | None) -> Group:
    """The group when user organises it; 401/404/403 otherwise."""
    require_user(user)
    group = visible_group(group_id, user)
    require_staff(group, user)
    return group


def visible_event(event_id: int, user: User | None) -> Event:
    """The event when its group is visible to user; 404 otherwise."""
    row = get_row(Event, event_id)
    if row is None or not can_view(row.group, user):
        raise NotFound("not_found", N_("No such event."))
    return row


def staff_event(event_id: int, user: User | None) -> Event:
    """The event when user organises its group; 401/404/403 otherwise."""
    require_user(user)
    row = visible_event(event_id, user)
    require_staff(row.group, user)
    return row


def require_may_rsvp(row: Event, user: User | None) -> User:
    """user when they may answer the outing: anyone logged in for a public group, active members otherwise."""
    user = require_user(user)
    if row.group.visibility != "public":
        require_member(row.group, user)
    return user


def staff_point(point_id: int, user: User | None) -> MeetingPoint:
    """A meeting point of an outing user organises; 401/404/403 otherwise."""
    require_user(user)
    point = get_row(MeetingPoint, point_id)
    if point is None:
        raise NotFound("not_found", N_("No such meeting point."))
    staff_event(point.event_id, user)
    return point


def thread_group(kind: str, thread_id: int, user: User | None) -> tuple[Group, dict]:
    """The visible group owning an event's or a group's thread, and the Post filter {event_id|group_id: id}."""
    if kind == "event":
        row = visible_event(thread_id, user)
        return row.group, {"event_id": row.id}
    return visible_group(thread_id, user), {"group_id": thread_id}


def visible_post(post_id: int, user: User | None) -> tuple[Post, Group]:
    """A live post whose thread user may see, and its group; 404 otherwise."""
    post = get_row(Post, post_id)
    if post is None or post.deleted_at is not None:
        raise NotFound("not_found", N_("No such post."))
    kind, thread_id = ("event", post.event_id) if post.event_id else ("group", post.group_id)
    group, _where = thread_group(kind, thread_id, user)
    return post, group


def authored_post(post_id: int, user: User | None) -> Post:
    """A visible post by user (only authors edit); 401/404/403 otherwise."""
    user = require_user(user)
    post, _group = visible_post(post_id, user)
    if post.author_id != user.id:
        raise Forbidden("author_only", N_("Only the author may edit a post."))
    return post


def removable_post(post_id: int, user: User | None) -> Post:
    """A visible post user may remove: their own, or any in a group they organise; 401/404/403 otherwise."""
    user = require_user(user)
    post, group = visible_post(post_id, user)
    if post.author_id != user.id and not is_staff(group.id, user):
        raise Forbidden("forbidden", N_("Only the author or the group's organisers may remove a post."))
    return post


def is_cut_for(route: Route, viewer_id: int | None) -> bool:
    """Whether viewer_id sees route without the parts in its owner's privacy zones (everyone but the owner)."""
    return route.public_stats is not None and route.owner_id != viewer_id


def visible_route(route: Route | None, viewer_id: int | None) -> Route | None:
    """route, or None when viewer_id sees nothing of it (wholly inside its owner's privacy zones)."""
    if route is None or (is_cut_for(route, viewer_id) and (route.public_stats or {}).get("hidden")):
        return None
    return route


def can_view_route(route: Route, viewer_id: int | None) -> bool:
    """Whether viewer_id (None for anonymous) may see route: a private group's routes are for its members."""
    if route.owner_id == viewer_id or route.group is None or route.group.visibility != "private":
        return True
    return viewer_id is not None and _by_id(viewer_id).is_member(route.group.id)


def get_route(route_id: int, viewer_id: int | None = None) -> Route:
    """The route with this id if viewer_id may see it (private groups' routes are for members; a route wholly
    inside its owner's privacy zones is for its owner), else NotFound."""
    route = get_row(Route, route_id)
    if route is None or not can_view_route(route, viewer_id) or visible_route(route, viewer_id) is None:
        raise NotFound("not_found", N_("No such route."))
    return route


def original_route(route_id: int, viewer_id: int | None) -> Route:
    """The route when viewer_id owns it, for its file as uploaded (it may hold times and private places); else 404."""
    route = get_route(route_id, viewer_id)
    if route.owner_id != viewer_id:
        raise NotFound("not_found", N_("No such route."))
    return route


def require_group_staff_id(user_id: int, group_id: int) -> None:
    """Forbidden unless user_id is an owner or organiser of group_id (adding a route to a group)."""
    if not _by_id(user_id).is_staff(group_id):
        raise Forbidden("forbidden", N_("Only the group's organisers can add routes to it."), "group_id")
