"""Groups: create and edit, join and leave, approval queue, roles, member list."""

from __future__ import annotations

import math

from geoalchemy2.shape import to_shape
from sqlalchemy import func, select

from planner.errors import Conflict, NotFound, ServiceError
from planner.extensions import db
from planner.models import Group, Membership, User
from planner.models.group import INTERESTS, VISIBILITIES
from planner.services import access

MAX_DESCRIPTION_CHARS = 5000


def clean_text(value, field: str, *, max_chars: int, required: bool = True) -> str:
    """A trimmed string of at most max_chars; 400 naming field when missing, not text or too long."""
    if value is None and not required:
        return ""
    if not isinstance(value, str) or "\x00" in value:
        raise ServiceError("invalid_field", f"'{field}' must be text.", field)
    value = value.strip()
    if required and not value:
        raise ServiceError("invalid_field", f"'{field}' must not be empty.", field)
    if len(value) > max_chars:
        raise ServiceError("invalid_field", f"'{field}' must be at most {max_chars} characters.", field)
    return value


def clean_number(value, field: str, low: float, high: float) -> float:
    """A finite number in [low, high]; 400 naming field otherwise (strings of digits are accepted)."""
    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or not low <= number <= high:
        raise ServiceError("invalid_field", f"'{field}' must be a number from {low:g} to {high:g}.", field)
    return number


def clean_point(lat, lon) -> tuple[float, float]:
    """(lat, lon) checked to be WGS84 degrees."""
    return clean_number(lat, "lat", -90, 90), clean_number(lon, "lon", -180, 180)


def point_wkt(lat: float, lon: float) -> str:
    """EWKT of a geography point from already-validated floats."""
    return f"SRID=4326;POINT({float(lon)!r} {float(lat)!r})"


def _choice(value, field: str, allowed: tuple[str, ...]) -> str:
    """value when it is one of allowed; 400 listing the choices otherwise."""
    if value not in allowed:
        raise ServiceError("invalid_field", f"'{field}' must be one of: {', '.join(allowed)}.", field)
    return value


def _group_fields(data: dict, partial: bool) -> dict:
    """Validated group columns from data; with partial, only the keys present."""
    cleaners = {
        "name": lambda v: clean_text(v, "name", max_chars=120),
        "interest": lambda v: _choice(v, "interest", INTERESTS),
        "description": lambda v: clean_text(v, "description", max_chars=MAX_DESCRIPTION_CHARS, required=False),
        "visibility": lambda v: _choice(v, "visibility", VISIBILITIES),
    }
    fields = {key: clean(data.get(key)) for key, clean in cleaners.items() if not partial or key in data}
    if "visibility" in fields or not partial:
        fields["visibility"] = fields.get("visibility") or "public"
    if not partial or "lat" in data or "lon" in data:
        fields["home"] = point_wkt(*clean_point(data.get("lat"), data.get("lon")))
    return fields


def create_group(user: User | None, data: dict) -> Group:
    """A new group (name, interest, description, lat, lon, visibility) with user as its owner."""
    user = access.require_user(user)
    data = {"visibility": "public", **data}
    group = Group(**_group_fields(data, partial=False))
    db.session.add(group)
    db.session.flush()
    db.session.add(Membership(group_id=group.id, user_id=user.id, role="owner", status="active"))
    db.session.commit()
    return group


def update_group(group_id: int, user: User | None, data: dict) -> Group:
    """Change any of a group's fields; owner and organisers only."""
    group = access.staff_group(group_id, user)
    for key, value in _group_fields(data, partial=True).items():
        setattr(group, key, value)
    db.session.commit()
    return group


def join(group_id: int, user: User | None) -> str:
    """Join a group: "member" at once for public groups, "pending" approval for private ones."""
    user = access.require_user(user)
    group = access.get_row(Group, group_id)
    if group is None:
        raise NotFound("not_found", "No such group.")
    row = _membership(group_id, user)
    if row is None:
        status = "active" if group.visibility == "public" else "pending"
        row = Membership(group_id=group_id, user_id=user.id, role="member", status=status)
        db.session.add(row)
        db.session.commit()
    return "member" if row.status == "active" else "pending"


def ensure_member(group: Group, user: User) -> None:
    """Make user an active member of the group if they are not yet one (RSVP to a public outing); no commit."""
    row = _membership(group.id, user)
    if row is None:
        db.session.add(Membership(group_id=group.id, user_id=user.id, role="member", status="active"))
    elif row.status != "active":
        row.status = "active"


def leave(group_id: int, user: User | None) -> None:
    """Leave a group (or withdraw a pending request); the owner must hand the group over first (409)."""
    user = access.require_user(user)
    row = _membership(group_id, user)
    if row is None:
        raise NotFound("not_a_member", "You are not in this group.")
    if row.role == "owner":
        raise Conflict("owner_cannot_leave", "The owner cannot leave; make another member owner first.")
    db.session.delete(row)
    db.session.commit()


def _membership(group_id: int, user: User) -> Membership | None:
    """user's membership row in the group (active or pending), or None."""
    return db.session.scalar(select(Membership).where(Membership.group_id == group_id, Membership.user_id == user.id))


def _target(group_id: int, user_id: int) -> Membership:
    """The membership acted upon by an organiser; 404 when there is none."""
    row = None
    if access.in_id_range(user_id):
        row = db.session.scalar(
            select(Membership).where(Membership.group_id == group_id, Membership.user_id == user_id)
        )
    if row is None:
        raise NotFound("not_found", "No such member.")
    return row


def approve(group_id: int, actor: User | None, user_id: int) -> Membership:
    """Accept a pending request to join; owner and organisers only."""
    access.staff_group(group_id, actor)
    row = _target(group_id, user_id)
    row.status = "active"
    db.session.commit()
    return row


def remove_member(group_id: int, actor: User | None, user_id: int) -> None:
    """Turn down a request or remove a member; staff remove members, only the owner removes organisers."""
    group = access.staff_group(group_id, actor)
    row = _target(group_id, user_id)
    if row.role == "owner":
        raise Conflict("owner_cannot_leave", "The owner cannot be removed.")
    if row.role == "organiser":
        access.require_owner(group, actor)
    db.session.delete(row)
    db.session.commit()


def set_role(group_id: int, actor: User | None, user_id: int, role) -> Membership:
    """Promote or demote an active member (organiser/member), or hand over ownership ("owner"); owner only."""
    access.require_user(actor)
    group = access.visible_group(group_id, actor)
    actor = access.require_owner(group, actor)
    role = _choice(role, "role", ("owner", "organiser", "member"))
    row = _target(group_id, user_id)
    if row.status != "active":
        raise Conflict("not_active", "Approve the request before changing the role.")
    if row.user_id == actor.id:
        raise Conflict("own_role", "Hand the group to another member instead of changing your own role.")
    if role == "owner":
        _target(group_id, actor.id).role = "organiser"
        db.session.flush()
    row.role = role
    db.session.commit()
    return row


def group_dict(group: Group, user: User | None, member_count: int | None = None) -> dict:
    """The API's group object, with the caller's role (or "pending", or null); member_count when already known."""
    home = to_shape(group.home)
    return {
        "id": group.id,
        "name": group.name,
        "interest": group.interest,
        "description": group.description,
        "lat": home.y,
        "lon": home.x,
        "visibility": group.visibility,
        "member_count": member_counts([group.id]).get(group.id, 0) if member_count is None else member_count,
        "my_role": access.viewer(user).my_role(group.id),
    }


def member_counts(group_ids: list[int]) -> dict[int, int]:
    """{group_id: active members, owner included} for several groups in one query."""
    rows = db.session.execute(
        select(Membership.group_id, func.count())
        .where(Membership.group_id.in_(group_ids), Membership.status == "active")
        .group_by(Membership.group_id)
    ).all()
    return {group_id: n for group_id, n in rows}


def members(group_id: int, viewer: User | None) -> dict:
    """{active: [...], pending: [...]} for a visible group; pending requests only for its staff."""
    group = access.visible_group(group_id, viewer)
    rows = db.session.execute(
        select(Membership.user_id, Membership.role, Membership.status, User.display_name)
        .join(User, User.id == Membership.user_id)
        .where(Membership.group_id == group.id)
        .order_by(Membership.created_at, Membership.id)
    ).all()
    people = [{"id": r.user_id, "display_name": r.display_name, "role": r.role, "status": r.status} for r in rows]
    staff = access.is_staff(group.id, viewer)
    return {
        "active": [p for p in people if p["status"] == "active"],
        "pending": [p for p in people if p["status"] == "pending"] if staff else [],
    }


def list_groups(user: User | None, limit: int = 100) -> list[dict]:
    """Public groups plus the private groups user belongs to, newest first, for the groups page."""
    viewer = access.viewer(user)
    mine = [group_id for group_id in viewer.memberships if viewer.is_member(group_id)]
    groups = db.session.scalars(
        select(Group)
        .where((Group.visibility == "public") | Group.id.in_(mine))
        .order_by(Group.created_at.desc(), Group.id.desc())
        .limit(limit)
    ).all()
    counts = member_counts([g.id for g in groups])
    return [group_dict(g, user, counts.get(g.id, 0)) for g in groups]
