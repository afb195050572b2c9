"""Meeting points of an event, placed along its route."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.extensions import Model
from planner.models._types import GeoPoint, created_at_column
from planner.models.event import Event


class MeetingPoint(Model):
    """A place and time where participants join the outing."""

    __tablename__ = "meeting_points"
    __table_args__ = (
        CheckConstraint("length(btrim(name)) BETWEEN 1 AND 120", name="name_len"),
        CheckConstraint("along_m IS NULL OR along_m >= 0", name="along_nonneg"),
        CheckConstraint("off_route_m IS NULL OR off_route_m >= 0", name="off_route_nonneg"),
        CheckConstraint("(along_m IS NULL) = (off_route_m IS NULL)", name="snap_together"),
        Index("ix_meeting_points_event_id", "event_id"),
        UniqueConstraint("id", "event_id", name="uq_meeting_points_id_event_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    point = mapped_column(GeoPoint, nullable=False)
    meet_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    along_m: Mapped[float | None] = mapped_column(Float)
    off_route_m: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = created_at_column()

    event: Mapped[Event] = relationship()

    def __repr__(self) -> str:
        return f"<MeetingPoint {self.id} event={self.event_id}>"
