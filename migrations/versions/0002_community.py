"""Community: users' opt-in coarse home area; the RSVP queue time that orders the waitlist.

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
from geoalchemy2 import Geography

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("share_home_area", sa.Boolean(), server_default="false", nullable=False))
    op.add_column("users", sa.Column(
        "home_area",
        Geography(geometry_type="POINT", srid=4326, dimension=2, spatial_index=False,
                  from_text="ST_GeogFromText", name="geography"),
        nullable=True,
    ))
    op.create_check_constraint("ck_users_home_area_opt_in", "users", "share_home_area OR home_area IS NULL")
    op.add_column("rsvps", sa.Column("queued_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),
                                     nullable=False))
    op.execute("UPDATE rsvps SET queued_at = created_at")
    op.create_index("ix_rsvps_event_id_status_queued_at_id", "rsvps", ["event_id", "status", "queued_at", "id"])


def downgrade():
    op.drop_index("ix_rsvps_event_id_status_queued_at_id", table_name="rsvps")
    op.drop_column("rsvps", "queued_at")
    op.drop_constraint("ck_users_home_area_opt_in", "users", type_="check")
    op.drop_column("users", "home_area")
    op.drop_column("users", "share_home_area")
