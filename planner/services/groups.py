"""Groups: create and edit, join and leave, approval queue, roles, member list."""

from __future__ import annotations

from typing import Any

from geoalchemy2.shape import to_shape
from sqlalchemy import func, select

from planner.errors import N_, Conflict, NotFound
from planner.extensions import db
from planner.models import Group, Membership, User
from planner.schemas import parse
from planner.schemas.groups import GroupIn, GroupPatch, RoleIn
from planner.services import access, notify


def point_wkt(lat: float, lon: float) -> str:
    """EWKT of a geography point from already-validated floats."""
    return f"SRID=4326;POINT({float(lon)!r} {float(lat)!r})"


def _group_columns(fields: GroupIn | GroupPatch) -> dict:
    """The model columns of validated group fields (only those set, for an edit)."""
    given = fields.model_dump(exclude_unset=not isinstance(fields, GroupIn))
    columns: dict[str, Any] = {key: given[key] for key in ("name", "interest") if key in given}
    if "visibility" in given:
        columns["visibility"] = given["visibility"] or "public"
    if "description" in given:
        columns["description"] = given["description"] or ""
    if "lat" in given:
        columns["home"] = point_wkt(given["lat"], given["lon"])
    return columns


def create_group(user: User | None, data: dict) -> Group:
    """A new group (name, interest, description, lat, lon, visibility) with user as its owner."""
    user = access.require_user(user)
    group = Group(**_group_columns(parse(GroupIn, data)))
    db.session.add(group)
    db.session.flush()
    db.session.add(Membership(group_id=group.id, user_id=user.id, role="owner", status="active"))
    db.session.commit()
    return group


def update_group(group_id: int, user: User | None, data: dict) -> Group:
    """Change any of a group's fields; owner and organisers only."""
    group = access.staff_group(group_id, user)
    for key, value in _group_columns(parse(GroupPatch, data)).items():
        setattr(group, key, value)
    db.session.commit()
    return group


def join(group_id: int, user: User | None) -> str:
    """Join a group: "member" at once for public groups, "pending" approval for private ones."""
    user = access.require_user(user)
    group = access.get_row(Group, group_id)
    if group is None:
        raise NotFound("not_found", N_("No such group."))
    row = _membership(group_id, user)
    if row is None:
        status = "active" if group.visibility == "public" else "pending"
        row = Membership(group_id=group_id, user_id=user.id, role="member", status=status)
        db.session.add(row)
        if status == "pending":
            notify.join_requested(group, user)
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
        raise NotFound("not_a_member", N_("You are not in this group."))
    if row.role == "owner":
        raise Conflict("owner_cannot_leave", N_("The owner cannot leave; make another member owner first."))
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
        raise NotFound("not_found", N_("No such member."))
    return row


def approve(group_id: int, actor: User | None, user_id: int) -> Membership:
    """Accept a pending request to join; owner and organisers only."""
    group = access.staff_group(group_id, actor)
    row = _target(group_id, user_id)
    if row.status == "pending":
        row.status = "active"
        notify.join_approved(group, user_id, access.require_user(actor).id)
    db.session.commit()
    return row


def remove_member(group_id: int, actor: User | None, user_id: int) -> None:
    """Turn down a request or remove a member; staff remove members, only the owner removes organisers."""
    group = access.staff_group(group_id, actor)
    row = _target(group_id, user_id)
    if row.role == "owner":
        raise Conflict("owner_cannot_leave", N_("The owner cannot be removed."))
    if row.role == "organiser":
        access.require_owner(group, actor)
    db.session.delete(row)
    db.session.commit()


def set_role(group_id: int, actor: User | None, user_id: int, role) -> Membership:
    """Promote or demote an active member (organiser/member), or hand over ownership ("owner"); owner only."""
    access.require_user(actor)
    group = access.visible_group(group_id, actor)
    actor = access.require_owner(group, actor)
    role = parse(RoleIn, {"role": role}).role
    row = _target(group_id, user_id)
    if row.status != "active":
        raise Conflict("not_active", N_("Approve the request before changing the role."))
    if row.user_id == actor.id:
        raise Conflict("own_role", N_("Hand the group to another member instead of changing your own role."))
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
