"""Notifications, their settings, the job queue (procrastinate's schema) and what they key on.

events.version grows with every change people are told about; users.calendar_key is the secret of the
private calendar feed; job_errors keeps the error of each failed job attempt.

Revision ID: 0006_notifications
Revises: 0005_places_gazetteer
"""

import sqlalchemy as sa
from alembic import op
from procrastinate.schema import SchemaManager
from sqlalchemy.dialects import postgresql

revision = "0006_notifications"
down_revision = "0005_places_gazetteer"
branch_labels = None
depends_on = None

KINDS = (
    "new_outing",
    "outing_digest",
    "outing_changed",
    "outing_cancelled",
    "meeting_point_changed",
    "waitlist_promoted",
    "reminder",
    "join_request",
    "join_approved",
    "post_reply",
    "thread_post",
)


def _in(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade():
    # Through the driver as it is: the schema's "::" casts and "%" signs are no bind parameters.
    op.get_bind().connection.dbapi_connection.cursor().execute(SchemaManager.get_schema())
    op.add_column("events", sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    op.add_column("users", sa.Column("calendar_key", sa.String(64), nullable=True))
    op.create_unique_constraint("uq_users_calendar_key", "users", ["calendar_key"])
    op.create_table(
        "notifications",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("params", postgresql.JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("events.id", ondelete="CASCADE"), nullable=True),
        sa.Column("group_id", sa.Integer(), sa.ForeignKey("groups.id", ondelete="CASCADE"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("email_status", sa.String(16), server_default="none", nullable=False),
        sa.Column("email_attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("email_error", sa.Text(), nullable=True),
        sa.Column("emailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(_in("kind", KINDS), name="ck_notifications_kind_known"),
        sa.CheckConstraint(
            _in("email_status", ("none", "pending", "sent", "failed")), name="ck_notifications_email_status_known"
        ),
        sa.UniqueConstraint("user_id", "key", name="uq_notifications_user_id_key"),
    )
    op.create_index("ix_notifications_user_id_id", "notifications", ["user_id", sa.text("id DESC")])
    op.create_index(
        "ix_notifications_email_pending", "notifications", ["id"], postgresql_where=sa.text("email_status = 'pending'")
    )
    op.create_index(
        "ix_notifications_unread", "notifications", ["user_id"], postgresql_where=sa.text("read_at IS NULL")
    )
    op.create_index("ix_notifications_event_id", "notifications", ["event_id"])
    op.create_index("ix_notifications_group_id", "notifications", ["group_id"])
    op.create_table(
        "notification_settings",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("channels", postgresql.JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False),
        sa.Column(
            "reminder_offsets_h", postgresql.ARRAY(sa.Integer()), server_default=sa.text("'{24,2}'"), nullable=False
        ),
        sa.CheckConstraint("cardinality(reminder_offsets_h) <= 5", name="ck_notification_settings_few_reminders"),
        sa.CheckConstraint(
            "0 < ALL(reminder_offsets_h) AND 169 > ALL(reminder_offsets_h)",
            name="ck_notification_settings_reminders_in_a_week",
        ),
    )
    op.create_table(
        "group_notification_settings",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("group_id", sa.Integer(), sa.ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("new_outings", sa.String(16), nullable=False),
        sa.CheckConstraint(
            _in("new_outings", ("every", "digest", "off")), name="ck_group_notification_settings_new_outings_known"
        ),
    )
    op.create_table(
        "job_errors",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("job_id", sa.BigInteger(), nullable=False),
        sa.Column("task_name", sa.String(128), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_index("ix_job_errors_job_id", "job_errors", ["job_id"])


def downgrade():
    op.drop_table("job_errors")
    op.drop_table("group_notification_settings")
    op.drop_table("notification_settings")
    op.drop_table("notifications")
    op.drop_constraint("uq_users_calendar_key", "users")
    op.drop_column("users", "calendar_key")
    op.drop_column("events", "version")
    for table in ("procrastinate_periodic_defers", "procrastinate_events", "procrastinate_jobs", "procrastinate_workers"):
        op.execute(f"DROP TABLE {table} CASCADE")
    op.execute(
        """DO $$ DECLARE f regprocedure; BEGIN
               FOR f IN SELECT oid::regprocedure FROM pg_proc WHERE proname LIKE 'procrastinate%' LOOP
                   EXECUTE 'DROP FUNCTION ' || f || ' CASCADE';
               END LOOP;
           END $$"""
    )
    op.execute("DROP TYPE procrastinate_job_status, procrastinate_job_event_type, procrastinate_job_to_defer_v1 CASCADE")
