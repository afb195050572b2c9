"""Series of outings (issue 14): event_series (the rule and the template), series_followers (going to every one),
and on events the series, the occurrence's local date and the fields edited on that occurrence alone.

Revision ID: 0009_series
Revises: 0008_user_locale
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geography
from sqlalchemy.dialects import postgresql

revision = "0009_series"
down_revision = "0008_user_locale"
branch_labels = None
depends_on = None

ACTIVITIES = ("hiking", "walking", "running", "trail_running", "cycling", "mountain_biking")
DIFFICULTIES = ("easy", "moderate", "hard", "expert")
OWN_FIELDS = ("title", "description", "time", "capacity", "activity", "difficulty", "start", "route_id")


def _in(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "event_series",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("group_id", sa.Integer, sa.ForeignKey("groups.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_by_id", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("rrule", sa.Text, nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("first_date", sa.Date, nullable=False),
        sa.Column("start_time", sa.Time, nullable=False),
        sa.Column("duration_s", sa.Integer, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("activity", sa.String(32), nullable=False),
        sa.Column("difficulty", sa.String(16), nullable=True),
        sa.Column(
            "start",
            Geography(geometry_type="POINT", srid=4326, dimension=2, spatial_index=False, from_text="ST_GeogFromText",
                      name="geography"),
            nullable=False,
        ),
        sa.Column("route_id", sa.Integer, sa.ForeignKey("routes.id", ondelete="SET NULL"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("length(rrule) BETWEEN 8 AND 500", name="ck_event_series_rrule_len"),
        sa.CheckConstraint("length(btrim(title)) BETWEEN 1 AND 200", name="ck_event_series_title_len"),
        sa.CheckConstraint(
            "(first_date::timestamp AT TIME ZONE timezone) IS NOT NULL", name="ck_event_series_timezone_known"
        ),
        sa.CheckConstraint("duration_s > 0", name="ck_event_series_duration_positive"),
        sa.CheckConstraint("capacity > 0", name="ck_event_series_capacity_positive"),
        sa.CheckConstraint(_in("activity", ACTIVITIES), name="ck_event_series_activity_known"),
        sa.CheckConstraint(
            f"difficulty IS NULL OR {_in('difficulty', DIFFICULTIES)}", name="ck_event_series_difficulty_known"
        ),
    )
    op.create_index("ix_event_series_group_id", "event_series", ["group_id"])
    op.create_table(
        "series_followers",
        sa.Column(
            "series_id", sa.Integer, sa.ForeignKey("event_series.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.add_column(
        "events",
        sa.Column("series_id", sa.Integer, sa.ForeignKey("event_series.id", ondelete="SET NULL"), nullable=True),
    )
    op.add_column("events", sa.Column("occurrence_date", sa.Date, nullable=True))
    op.add_column(
        "events",
        sa.Column("own_fields", postgresql.ARRAY(sa.String(16)), nullable=False, server_default="{}"),
    )
    op.create_check_constraint(
        "ck_events_occurrence_of_series", "events", "series_id IS NULL OR occurrence_date IS NOT NULL"
    )
    op.create_check_constraint(
        "ck_events_own_fields_known",
        "events",
        f"own_fields <@ ARRAY[{', '.join(repr(f) for f in OWN_FIELDS)}]::varchar[]",
    )
    op.create_unique_constraint("uq_events_series_occurrence", "events", ["series_id", "occurrence_date"])
    op.create_index("ix_events_series_id_starts_at", "events", ["series_id", "starts_at"])


def downgrade() -> None:
    op.drop_index("ix_events_series_id_starts_at", table_name="events")
    op.drop_constraint("uq_events_series_occurrence", "events", type_="unique")
    op.drop_constraint("ck_events_own_fields_known", "events", type_="check")
    op.drop_constraint("ck_events_occurrence_of_series", "events", type_="check")
    op.drop_column("events", "own_fields")
    op.drop_column("events", "occurrence_date")
    op.drop_column("events", "series_id")
    op.drop_table("series_followers")
    op.drop_index("ix_event_series_group_id", table_name="event_series")
    op.drop_table("event_series")
