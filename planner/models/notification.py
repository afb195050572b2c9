"""Notifications (one row per person and change; e-mail is a second delivery of the same row) and their settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from planner.extensions import Model
from planner.models._types import created_at_column
from planner.models.group import in_list
from planner.schemas.notifications import CHANNELS, GROUP_CHOICES, KINDS  # noqa: F401  (the shared vocabulary)

EMAIL_STATUSES = ("none", "pending", "sent", "failed")
DEFAULT_REMINDER_OFFSETS_H = (24, 2)


class Notification(Model):
    """One thing one person is told; (user_id, key) is unique, so a retried or doubled job inserts nothing new."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        CheckConstraint(in_list("kind", KINDS), name="kind_known"),
        CheckConstraint(in_list("email_status", EMAIL_STATUSES), name="email_status_known"),
        Index("ix_notifications_user_id_id", "user_id", text("id DESC")),
        Index("ix_notifications_email_pending", "id", postgresql_where=text("email_status = 'pending'")),
        Index("ix_notifications_unread", "user_id", postgresql_where=text("read_at IS NULL")),  # the bell's count
        Index("ix_notifications_event_id", "event_id"),
        Index("ix_notifications_group_id", "group_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(200))
    params: Mapped[dict] = mapped_column(JSONB, default=dict, server_default=text("'{}'::jsonb"))
    url: Mapped[str] = mapped_column(String(500))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = created_at_column()
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    email_status: Mapped[str] = mapped_column(String(16), default="none", server_default="none")
    email_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    email_error: Mapped[str | None] = mapped_column(Text)
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind} user={self.user_id}>"


class NotificationSettings(Model):
    """A person's choices: a channel per kind (only those changed from e-mail) and the reminder offsets in hours."""

    __tablename__ = "notification_settings"
    __table_args__ = (
        CheckConstraint("cardinality(reminder_offsets_h) <= 5", name="few_reminders"),
        CheckConstraint("0 < ALL(reminder_offsets_h) AND 169 > ALL(reminder_offsets_h)", name="reminders_in_a_week"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    channels: Mapped[dict] = mapped_column(JSONB, default=dict, server_default=text("'{}'::jsonb"))
    reminder_offsets_h: Mapped[list[int]] = mapped_column(
        ARRAY(Integer), default=lambda: list(DEFAULT_REMINDER_OFFSETS_H), server_default=text("'{24,2}'")
    )


class GroupNotificationSetting(Model):
    """How a person hears of a group's new outings: every one (the default), a weekly digest, or not at all."""

    __tablename__ = "group_notification_settings"
    __table_args__ = (CheckConstraint(in_list("new_outings", GROUP_CHOICES), name="new_outings_known"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    new_outings: Mapped[str] = mapped_column(String(16))


class JobError(Model):
    """The error of one failed attempt of a queued job (procrastinate keeps the status, not the error)."""

    __tablename__ = "job_errors"
    __table_args__ = (Index("ix_job_errors_job_id", "job_id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    job_id: Mapped[int] = mapped_column(BigInteger)
    task_name: Mapped[str] = mapped_column(String(128))
    attempt: Mapped[int] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = created_at_column()
