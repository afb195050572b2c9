"""Discussion posts hanging off an event or a group."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.extensions import Model
from planner.models._types import created_at_column
from planner.models.user import User


class Post(Model):
    """A Markdown post on exactly one thread (an event's or a group's); replies point at their parent."""

    __tablename__ = "posts"
    __table_args__ = (
        CheckConstraint("(event_id IS NULL) <> (group_id IS NULL)", name="one_thread"),
        CheckConstraint("deleted_at IS NOT NULL OR length(btrim(body_md)) > 0", name="body_present"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        # (id, thread) pairs let a reply's parent be required to sit on the same thread.
        UniqueConstraint("id", "event_id", name="uq_posts_id_event_id"),
        UniqueConstraint("id", "group_id", name="uq_posts_id_group_id"),
        ForeignKeyConstraint(
            ["parent_id", "event_id"], ["posts.id", "posts.event_id"], name="fk_posts_parent_same_event"
        ),
        ForeignKeyConstraint(
            ["parent_id", "group_id"], ["posts.id", "posts.group_id"], name="fk_posts_parent_same_group"
        ),
        Index("ix_posts_event_id_created_at", "event_id", "created_at"),
        Index("ix_posts_group_id_created_at", "group_id", "created_at"),
        Index("ix_posts_parent_id", "parent_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    parent_id: Mapped[int | None] = mapped_column()
    body_md: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()
    edited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    author: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Post {self.id}>"
