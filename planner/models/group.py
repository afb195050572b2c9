"""Interest groups and their memberships."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.extensions import Model
from planner.models._types import GeoPoint, created_at_column
from planner.models.user import User
from planner.schemas.choices import INTERESTS, ROLES, VISIBILITIES

MEMBERSHIP_STATUSES = ("active", "pending")


def in_list(column: str, values: tuple[str, ...]) -> str:
    """SQL for a CHECK that column is one of values."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Group(Model):
    """An interest community with a home area."""

    __tablename__ = "groups"
    __table_args__ = (
        CheckConstraint("length(btrim(name)) BETWEEN 1 AND 120", name="name_len"),
        CheckConstraint(in_list("interest", INTERESTS), name="interest_known"),
        CheckConstraint(in_list("visibility", VISIBILITIES), name="visibility_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    interest: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    home = mapped_column(GeoPoint, nullable=False)
    visibility: Mapped[str] = mapped_column(String(16), default="public", server_default="public")
    created_at: Mapped[datetime] = created_at_column()

    memberships: Mapped[list[Membership]] = relationship(back_populates="group", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Group {self.id}>"


class Membership(Model):
    """One user's role and status in one group."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("group_id", "user_id"),
        CheckConstraint(in_list("role", ROLES), name="role_known"),
        CheckConstraint(in_list("status", MEMBERSHIP_STATUSES), name="status_known"),
        CheckConstraint("role = 'member' OR status = 'active'", name="staff_active"),
        Index("uq_memberships_one_owner", "group_id", unique=True, postgresql_where=text("role = 'owner'")),
        Index("ix_memberships_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16), default="member", server_default="member")
    status: Mapped[str] = mapped_column(String(16), default="active", server_default="active")
    created_at: Mapped[datetime] = created_at_column()

    group: Mapped[Group] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Membership group={self.group_id} user={self.user_id} {self.role}/{self.status}>"
