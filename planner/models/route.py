"""GPX routes: the full line with elevation, a light display line, stats and the original file."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.extensions import Model
from planner.models._types import (
    GeoLineZ,
    GeoLineZNoIndex,
    GeoMultiLineZ,
    GeoMultiLineZNoIndex,
    GeoPoint,
    GeoPointNoIndex,
    created_at_column,
)
from planner.models.group import Group, in_list
from planner.models.user import User
from planner.schemas.choices import ACTIVITIES


class Route(Model):
    """A route uploaded as GPX; stats are computed once at import."""

    __tablename__ = "routes"
    __table_args__ = (
        CheckConstraint("length(btrim(name)) BETWEEN 1 AND 200", name="name_len"),
        CheckConstraint(in_list("activity", ACTIVITIES), name="activity_known"),
        CheckConstraint("length_m >= 0", name="length_nonneg"),
        CheckConstraint("point_count >= 2", name="two_points"),
        CheckConstraint("ascent_m >= 0 AND descent_m >= 0", name="climb_nonneg"),
        CheckConstraint("min_ele_m <= max_ele_m", name="ele_order"),
        CheckConstraint("estimated_duration_s > 0", name="estimate_positive"),
        CheckConstraint("octet_length(gpx_original) > 0", name="gpx_kept"),
        CheckConstraint("cardinality(bbox) = 4 AND bbox[1] <= bbox[3] AND bbox[2] <= bbox[4]", name="bbox_shape"),
        CheckConstraint("(public_line IS NULL) = (public_display_line IS NULL)", name="public_lines_together"),
        CheckConstraint("public_line IS NULL OR public_stats IS NOT NULL", name="public_line_has_stats"),
        Index("ix_routes_owner_id", "owner_id"),
        Index("ix_routes_group_id", "group_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200))
    activity: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Full-resolution line, segments joined in order; Z is elevation (0 where the file had none).
    line = mapped_column(GeoLineZ, nullable=False, deferred=True)
    # Simplified to within 5 m of the line, for maps.
    display_line = mapped_column(GeoLineZNoIndex, nullable=False, deferred=True)
    start_point = mapped_column(GeoPoint, nullable=False)
    end_point = mapped_column(GeoPointNoIndex, nullable=False)
    # [minlon, minlat, maxlon, maxlat] of the full line.
    bbox: Mapped[list[float]] = mapped_column(ARRAY(Float, dimensions=1))
    has_elevation: Mapped[bool] = mapped_column(default=False, server_default="false")
    # [[distance_m, ele_m], ...] decimated to at most 400 samples, for the elevation profile.
    profile: Mapped[list] = mapped_column(JSONB, default=list, server_default="[]")
    # [{lat, lon, ele_m, name, description}, ...] from the file's <wpt> elements.
    waypoints: Mapped[list] = mapped_column(JSONB, default=list, server_default="[]")
    length_m: Mapped[float] = mapped_column(Float)
    ascent_m: Mapped[float | None] = mapped_column(Float)
    descent_m: Mapped[float | None] = mapped_column(Float)
    min_ele_m: Mapped[float | None] = mapped_column(Float)
    max_ele_m: Mapped[float | None] = mapped_column(Float)
    point_count: Mapped[int] = mapped_column(Integer)
    recorded_duration_s: Mapped[int | None] = mapped_column(Integer)
    moving_time_s: Mapped[int | None] = mapped_column(Integer)
    estimated_duration_s: Mapped[int] = mapped_column(Integer)
    gpx_original: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    gpx_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = created_at_column()
    # What everyone but the owner sees when the owner's privacy zones touch the route (NULL: the same as
    # above). public_stats holds the route object's numbers, ends, bbox, profile and waypoints for the
    # visible pieces; with public_line NULL and public_stats set, nothing of the route is visible.
    public_line = mapped_column(GeoMultiLineZ, nullable=True, deferred=True)
    public_display_line = mapped_column(GeoMultiLineZNoIndex, nullable=True, deferred=True)
    public_stats: Mapped[dict | None] = mapped_column(JSONB(none_as_null=True), nullable=True)

    owner: Mapped[User] = relationship()
    group: Mapped[Group | None] = relationship()

    def __repr__(self) -> str:
        return f"<Route {self.id}>"
