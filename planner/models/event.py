"""Offline outings and the RSVPs to them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Computed,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    literal_column,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.extensions import Model
from planner.models._types import GeoPoint, created_at_column, updated_at_column
from planner.models.group import Group, in_list
from planner.models.route import ACTIVITIES, Route
from planner.models.user import User
from planner.schemas.choices import DIFFICULTIES

EVENT_STATUSES = ("scheduled", "cancelled")
# What an occurrence of a series may have edited on its own (series changes leave these alone).
OWN_FIELDS = ("title", "description", "time", "capacity", "activity", "difficulty", "start", "route_id")
RSVP_STATUSES = ("going", "waitlisted", "cancelled")


class Event(Model):
    """An outing of a group: when, where it starts, how many can come, and its route."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("length(btrim(title)) BETWEEN 1 AND 200", name="title_len"),
        CheckConstraint("starts_at < ends_at", name="starts_before_ends"),
        # An unknown IANA name makes AT TIME ZONE raise, so the row is refused.
        CheckConstraint("(starts_at AT TIME ZONE timezone) IS NOT NULL", name="timezone_known"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint(in_list("activity", ACTIVITIES), name="activity_known"),
        CheckConstraint(f"difficulty IS NULL OR {in_list('difficulty', DIFFICULTIES)}", name="difficulty_known"),
        CheckConstraint(in_list("status", EVENT_STATUSES), name="status_known"),
        CheckConstraint("series_id IS NULL OR occurrence_date IS NOT NULL", name="occurrence_of_series"),
        CheckConstraint(
            f"own_fields <@ ARRAY[{', '.join(repr(f) for f in OWN_FIELDS)}]::varchar[]", name="own_fields_known"
        ),
        UniqueConstraint("series_id", "occurrence_date", name="uq_events_series_occurrence"),
        Index("ix_events_series_id_starts_at", "series_id", "starts_at"),
        Index("ix_events_group_id", "group_id"),
        Index("ix_events_starts_at", "starts_at"),
        Index("ix_events_route_id", "route_id"),
        # Nearest-first search (services/search.py): a 2D index on lat/lon, built sorted; the geography
        # index on start (GeoPoint) serves the viewport queries.
        Index("idx_events_start_geom", text("(start::geometry)"), postgresql_using="gist"),
        # Word search (services/word_search.py; planner_words() is defined by migration 0007): the GIN index for
        # words anywhere; near a place, the GiST index on (start, the same lexemes) tests the words inside the
        # nearest-first scan (its expression keeps the nearby queries off the GIN index, see migration 0007).
        Index("ix_events_search_vector", "search_vector", postgresql_using="gin"),
        Index(
            "ix_events_start_words",
            text("(start::geometry)"),
            text("ts_filter(search_vector, '{a,b,c,d}')"),
            postgresql_using="gist",
            postgresql_where=text("search_vector IS NOT NULL"),  # true of every row; see migration 0007
        ),
        # Words in the title without a place, soonest first: nearest first in time (seconds since 1970 on the
        # diagonal of a plane), the title words tested inside the scan (migration 0009).
        Index(
            "ix_events_soonest_title",
            text(
                "point(date_part('epoch', (starts_at AT TIME ZONE 'UTC')),"
                " date_part('epoch', (starts_at AT TIME ZONE 'UTC')))"
            ),
            literal_column("ts_filter(search_vector, '{a}')").label("title"),
            postgresql_using="gist",
            postgresql_ops={"title": "tsvector_ops (siglen = 1024)"},
            postgresql_where=text("status = 'scheduled'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    timezone: Mapped[str] = mapped_column(String(64))
    capacity: Mapped[int] = mapped_column(Integer)
    activity: Mapped[str] = mapped_column(String(32))
    difficulty: Mapped[str | None] = mapped_column(String(16))
    start = mapped_column(GeoPoint, nullable=False)
    route_id: Mapped[int | None] = mapped_column(ForeignKey("routes.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default="scheduled", server_default="scheduled")
    # An occurrence of a series: the series, the local date the rule gives it (its RECURRENCE-ID at the series'
    # time of day) and the fields edited on this occurrence alone.
    series_id: Mapped[int | None] = mapped_column(ForeignKey("event_series.id", ondelete="SET NULL"))
    occurrence_date: Mapped[date | None] = mapped_column(Date)
    own_fields: Mapped[list[str]] = mapped_column(ARRAY(String(16)), default=list, server_default="{}")
    # Grows with every change people are told about (time, place, route, meeting points, cancellation):
    # the calendar's SEQUENCE and the key that makes a stale reminder a no-op.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()
    # What word search matches: the title (weight A) and the description (B), generated by the database.
    search_vector: Mapped[str | None] = mapped_column(
        TSVECTOR,
        Computed("planner_words(title, 'A') || planner_words(description, 'B')", persisted=True),
        deferred=True,
    )

    group: Mapped[Group] = relationship()
    route: Mapped[Route | None] = relationship()

    def __repr__(self) -> str:
        return f"<Event {self.id}>"


class Rsvp(Model):
    """One user's answer to one event; the waitlist is ordered by (queued_at, id)."""

    __tablename__ = "rsvps"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        CheckConstraint(in_list("status", RSVP_STATUSES), name="status_known"),
        Index("ix_rsvps_event_id_status_created_at", "event_id", "status", "created_at"),
        Index("ix_rsvps_user_id", "user_id"),
        Index("ix_rsvps_event_id_status_queued_at_id", "event_id", "status", "queued_at", "id"),
        # The chosen meeting point must belong to the same event; deleting it clears only the choice.
        ForeignKeyConstraint(
            ["meeting_point_id", "event_id"],
            ["meeting_points.id", "meeting_points.event_id"],
            name="fk_rsvps_meeting_point_same_event",
            ondelete="SET NULL (meeting_point_id)",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    meeting_point_id: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = created_at_column()
    # When this answer last joined the queue (set again when a cancelled RSVP is renewed).
    queued_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    event: Mapped[Event] = relationship()
    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Rsvp event={self.event_id} user={self.user_id} {self.status}>"
