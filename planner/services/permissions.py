"""Who may do what in a group (the table is docs/permissions.md); every check raises a ServiceError."""

from __future__ import annotations

from sqlalchemy import select

from planner.errors import Forbidden, NotFound, ServiceError, Unauthorized
from planner.extensions import db
from planner.models import Group, Membership, User

STAFF_ROLES = ("owner", "organiser")
MAX_ID = 2**31 - 1  # ids are PostgreSQL integers


def in_id_range(row_id) -> bool:
    """Whether row_id is an int that an integer id column can hold (1..2^31-1)."""
    return isinstance(row_id, int) and not isinstance(row_id, bool) and 1 <= row_id <= MAX_ID


def get_row(model, row_id):
    """The row of model with this id, or None; ids out of the column's range match nothing (no DB error)."""
    return db.session.get(model, row_id) if in_id_range(row_id) else None


def clean_id(value, field: str) -> int:
    """An id from a request body (a whole number or its digits); 400 naming field otherwise."""
    number = int(value) if isinstance(value, (int, str)) and str(value).isdigit() else None
    if not in_id_range(number):
        raise ServiceError("invalid_field", f"'{field}' must be an id.", field)
    return number


def membership(group_id: int, user: User | None) -> Membership | None:
    """user's membership row in the group (active or pending), or None."""
    if user is None or not user.is_authenticated:
        return None
    return db.session.scalar(select(Membership).where(Membership.group_id == group_id, Membership.user_id == user.id))


def active_role(group_id: int, user: User | None) -> str | None:
    """owner/organiser/member when user is an active member, else None."""
    row = membership(group_id, user)
    return row.role if row is not None and row.status == "active" else None


def can_view(group: Group, user: User | None) -> bool:
    """Public groups are visible to everyone; private ones to their active members only."""
    return group.visibility == "public" or active_role(group.id, user) is not None


def require_user(user: User | None) -> User:
    """user when logged in, else 401."""
    if user is None or not user.is_authenticated:
        raise Unauthorized("unauthorized", "Log in first.")
    return user


def visible_group(group_id: int, user: User | None) -> Group:
    """The group when user may see it; 404 otherwise (private groups do not reveal that they exist)."""
    group = get_row(Group, group_id)
    if group is None or not can_view(group, user):
        raise NotFound("not_found", "No such group.")
    return group


def require_member(group: Group, user: User | None) -> User:
    """user when an active member of group (any role); 401 anonymous, 403 otherwise."""
    user = require_user(user)
    if active_role(group.id, user) is None:
        raise Forbidden("not_a_member", "Join the group first.")
    return user


def require_staff(group: Group, user: User | None) -> User:
    """user when owner or organiser of group; 401 anonymous, 403 otherwise."""
    user = require_user(user)
    if active_role(group.id, user) not in STAFF_ROLES:
        raise Forbidden("organisers_only", "Only the group's organisers may do this.")
    return user


def require_owner(group: Group, user: User | None) -> User:
    """user when owner of group; 401 anonymous, 403 otherwise."""
    user = require_user(user)
    if active_role(group.id, user) != "owner":
        raise Forbidden("owner_only", "Only the group's owner may do this.")
    return user


def is_staff(group_id: int, user: User | None) -> bool:
    """Whether user is owner or organiser of the group."""
    return active_role(group_id, user) in STAFF_ROLES
