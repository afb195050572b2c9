"""Privacy zones: places a user hides from what others see of their routes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from planner.extensions import Model
from planner.models._types import GeoPointNoIndex, created_at_column


class PrivacyZone(Model):
    """A zone the owner chose (centre, radius) and the secret, larger disk cut from others' view of it."""

    __tablename__ = "privacy_zones"
    __table_args__ = (
        CheckConstraint("radius_m BETWEEN 200 AND 1000", name="radius_range"),
        CheckConstraint("length(name) <= 80", name="name_len"),
        CheckConstraint("cut_radius_m > radius_m", name="cut_contains_zone"),
        Index("ix_privacy_zones_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80), default="", server_default="")
    centre = mapped_column(GeoPointNoIndex, nullable=False)
    radius_m: Mapped[int] = mapped_column()
    # Drawn once at creation (planner.geo.privacy.draw_cut); never shown to anyone, the owner included.
    cut_centre = mapped_column(GeoPointNoIndex, nullable=False)
    cut_radius_m: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = created_at_column()

    def __repr__(self) -> str:
        return f"<PrivacyZone {self.id} user={self.user_id}>"
