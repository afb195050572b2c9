"""Series of outings: a recurrence rule, the template its occurrences are made from, and who goes to every one."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.extensions import Model
from planner.models._types import GeoPointNoIndex, created_at_column, updated_at_column
from planner.models.group import Group, in_list
from planner.models.route import ACTIVITIES
from planner.schemas.choices import DIFFICULTIES


class EventSeries(Model):
    """A repeating outing: its RRULE from first_date at start_time local to timezone, and the fields of each
    occurrence not edited on its own (occurrences are rows of events, made ahead for a rolling window)."""

    __tablename__ = "event_series"
    __table_args__ = (
        CheckConstraint("length(rrule) BETWEEN 8 AND 500", name="rrule_len"),
        CheckConstraint("length(btrim(title)) BETWEEN 1 AND 200", name="title_len"),
        CheckConstraint("(first_date::timestamp AT TIME ZONE timezone) IS NOT NULL", name="timezone_known"),
        CheckConstraint("duration_s > 0", name="duration_positive"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint(in_list("activity", ACTIVITIES), name="activity_known"),
        CheckConstraint(f"difficulty IS NULL OR {in_list('difficulty', DIFFICULTIES)}", name="difficulty_known"),
        Index("ix_event_series_group_id", "group_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Canonical RFC 5545 RRULE text (UNTIL in UTC); its DTSTART is first_date at start_time in timezone.
    rrule: Mapped[str] = mapped_column(Text)
    timezone: Mapped[str] = mapped_column(String(64))
    first_date: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)
    duration_s: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    capacity: Mapped[int] = mapped_column(Integer)
    activity: Mapped[str] = mapped_column(String(32))
    difficulty: Mapped[str | None] = mapped_column(String(16))
    start = mapped_column(GeoPointNoIndex, nullable=False)
    route_id: Mapped[int | None] = mapped_column(ForeignKey("routes.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    group: Mapped[Group] = relationship()

    def __repr__(self) -> str:
        return f"<EventSeries {self.id} {self.rrule}>"


class SeriesFollower(Model):
    """Someone going to every occurrence of a series: answered "going" (or waitlisted) as each one is made."""

    __tablename__ = "series_followers"

    series_id: Mapped[int] = mapped_column(ForeignKey("event_series.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = created_at_column()
